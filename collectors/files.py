"""Turning a repository's file list (and the few file contents read) into `files.*` and ownership signals."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from collectors.detect import Detection, Detectors, is_yaml, parse_codeowners, parse_manifests
from collectors.records import SignalRecord, Skipped

SAMPLE_PATHS = 10
# Directories whose YAML files are most likely Kubernetes manifests; read first when reads are rationed.
MANIFEST_HINTS = (
    "argocd",
    "argo",
    "apps",
    "applications",
    "clusters",
    "gitops",
    "deploy",
    "deployment",
    "k8s",
    "kubernetes",
    "manifests",
    "platform",
    "crossplane",
    "compositions",
    "apis",
    "flux",
    "infra",
    "infrastructure",
    "templates",
    "policies",
    "policy",
    "monitoring",
    "observability",
    "catalog",
    "backstage",
    "dapr",
    "mesh",
    "istio",
    "vela",
    ".tekton",
    "tekton",
    "knative",
    "keptn",
    "kratix",
    "promises",
    "kruise",
    "databases",
)


def blobs_wanted(paths: Sequence[str], detectors: Detectors, *, limit: int | None = None) -> list[str]:
    """The files worth reading, most telling first: CODEOWNERS, catalog entries, then likely manifests."""
    by_path = {path: detectors.classify_path(path) for path in paths}
    codeowners = [p for p, found in by_path.items() if any(d.category == "codeowners" for d in found)][:1]
    catalog = [p for p, found in by_path.items() if any(d.category == "catalog" for d in found)]

    def manifest_rank(path: str) -> tuple[int, int, str]:
        parts = path.lower().split("/")
        hinted = any(part in MANIFEST_HINTS for part in parts[:-1]) or any(hint in parts[-1] for hint in MANIFEST_HINTS)
        return (0 if hinted else 1, len(parts), path)

    skip_known = {"ci", "issue_forms", "dependency_automation", "catalog"}
    yaml_files = [
        path
        for path in paths
        if is_yaml(path) and not any(d.category in skip_known for d in by_path[path]) and path not in codeowners
    ]
    ordered = [*codeowners, *catalog, *sorted(yaml_files, key=manifest_rank)]
    return ordered if limit is None else ordered[:limit]


def detect_files(paths: Sequence[str], blobs: Mapping[str, str], detectors: Detectors) -> list[Detection]:
    found: list[Detection] = []
    for path in paths:
        found.extend(detectors.classify_path(path))
        text = blobs.get(path)
        if text is not None and is_yaml(path):
            for manifest in parse_manifests(text):
                found.extend(detectors.classify_manifest(manifest, path))
    return found


def file_signals(
    paths: Sequence[str],
    blobs: Mapping[str, str],
    detectors: Detectors,
    *,
    endpoint: str,
    unread: int = 0,
) -> tuple[list[SignalRecord], list[Skipped]]:
    """One `files.<category>` signal per category (0 when none), plus what CODEOWNERS and catalog entries say.

    `unread` counts YAML files that were not read (a budget): their kinds are unknown, so the detail says so.
    """
    detections = detect_files(paths, blobs, detectors)
    files_by_category: dict[str, set[str]] = defaultdict(set)
    tools_by_category: dict[str, Counter[str]] = defaultdict(Counter)
    for detection in detections:
        if detection.path not in files_by_category[detection.category]:
            tools_by_category[detection.category][detection.tool] += 1
        files_by_category[detection.category].add(detection.path)

    signals = [SignalRecord(key="files.total", value=len(paths), endpoint=endpoint)]
    for category, label in detectors.categories.items():
        matched = sorted(files_by_category.get(category, ()))
        tools = dict(tools_by_category.get(category, {}))
        domains = sorted({d for tool in tools for d in detectors.tool(tool).domains})
        detail = {"label": label, "tools": tools, "domains": domains, "paths": matched[:SAMPLE_PATHS]}
        if unread:
            detail["yaml_files_not_read"] = unread
        signals.append(
            SignalRecord(
                key=f"files.{category}",
                value=len(matched),
                detail=detail,
                path=matched[0] if matched else "",
                endpoint=endpoint,
            )
        )
    signals.extend(_tool_signals(detections, detectors, endpoint, unread))
    skipped: list[Skipped] = []
    signals.extend(_ownership_signals(files_by_category.get("codeowners", set()), blobs, endpoint, skipped))
    signals.extend(_catalog_signals(files_by_category.get("catalog", set()), blobs, endpoint))
    return signals, skipped


def _tool_signals(detections: Sequence[Detection], detectors: Detectors, endpoint: str, unread: int) -> list[SignalRecord]:
    """`files.tool.<tool>` for each tool found: its number of files, with the domains and practices it serves.
    Only found tools get one, so a tool that is not there stays unknown rather than zero."""
    files_by_tool: dict[str, set[str]] = defaultdict(set)
    categories: dict[str, set[str]] = defaultdict(set)
    for detection in detections:
        files_by_tool[detection.tool].add(detection.path)
        categories[detection.tool].add(detection.category)
    signals = []
    for key, found in sorted(files_by_tool.items()):
        tool = detectors.tool(key)
        matched = sorted(found)
        detail: dict[str, Any] = {
            "label": tool.label,
            "domains": list(tool.domains),
            "practices": list(tool.practices),
            "categories": sorted(categories[key]),
            "paths": matched[:SAMPLE_PATHS],
        }
        if unread:  # an unread file may belong to the tool too: the count is at least this
            detail.update(read_whole=False, yaml_files_not_read=unread)
        signals.append(SignalRecord(key=tool.signal_key, value=len(matched), detail=detail, path=matched[0], endpoint=endpoint))
    return signals


def _ownership_signals(paths: set[str], blobs: Mapping[str, str], endpoint: str, skipped: list[Skipped]) -> list[SignalRecord]:
    readable = [path for path in sorted(paths) if path in blobs]
    if not readable:
        if paths:
            skipped.append(Skipped("ownership.codeowners_team", "the CODEOWNERS file was not read"))
        return []
    owners = parse_codeowners(blobs[readable[0]])
    if not owners.rules:
        return []
    return [
        SignalRecord(
            key="ownership.codeowners_team",
            value=bool(owners.team_owners),
            detail={"teams": list(owners.team_owners[:20]), "people": list(owners.person_owners[:20]), "rules": owners.rules},
            path=readable[0],
            endpoint=endpoint,
        )
    ]


def _catalog_signals(paths: set[str], blobs: Mapping[str, str], endpoint: str) -> list[SignalRecord]:
    owners = []
    read_any = False
    for path in sorted(paths):
        if path not in blobs or not is_yaml(path):
            continue
        read_any = True
        owners.extend(m.owner for m in parse_manifests(blobs[path]) if m.group.startswith("backstage.io"))
    if not read_any:
        return []
    declared = [owner for owner in owners if owner]
    return [
        SignalRecord(
            key="catalog.owner_declared",
            value=bool(declared),
            detail={"owners": sorted(set(declared))[:20]},
            path=sorted(paths)[0],
            endpoint=endpoint,
        )
    ]
