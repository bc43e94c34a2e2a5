"""Telling what a repository file is for, from its path and from the apiVersion and kind of its YAML documents."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from assessor.capabilities import capability_keys
from assessor.datafiles import DataFileInvalid, check_data, problem, read_data_file
from assessor.yamlsafe import YAMLInputError, load_yaml_all
from collectors.conf import DATA

DETECTORS_FILE = DATA / "detectors-1.yaml"
SCHEMA_FILE = DATA / "detectors.schema.json"
MAX_MANIFEST_BYTES = 512 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
NEGATIVE_VALUES = frozenset({"", "false", "disabled", "no", "0"})


class DetectorsFileError(DataFileInvalid):
    """The detectors data file is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class Detection:
    category: str
    tool: str
    path: str


@dataclass(frozen=True)
class Manifest:
    """The parts of one Kubernetes-style YAML document that detection looks at."""

    group: str
    version: str
    kind: str
    name: str = ""
    spec_keys: frozenset[str] = frozenset()
    markers: tuple[tuple[str, str], ...] = ()
    owner: str = ""


@dataclass(frozen=True)
class Tool:
    """A technology the detectors name: how pages name it, the capability domains and the practices it serves."""

    key: str
    label: str
    domains: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()

    @property
    def signal_key(self) -> str:
        """`files.tool.<key>`, with hyphens as underscores so that every other data file can name it."""
        return "files.tool." + self.key.replace("-", "_")


@dataclass(frozen=True)
class _PathRule:
    pattern: re.Pattern[str]
    category: str
    tool: str


@dataclass(frozen=True)
class Detectors:
    version: str
    categories: Mapping[str, str]
    by_basename: Mapping[str, tuple[_PathRule, ...]]
    by_suffix: Mapping[str, tuple[_PathRule, ...]]
    generic: tuple[_PathRule, ...]
    kinds: Mapping[tuple[str, str], tuple[tuple[str, str], ...]]
    claim_spec_keys: frozenset[str]
    injection_markers: Mapping[str, tuple[frozenset[str], str]]
    tools: Mapping[str, Tool] = field(default_factory=dict)

    def tool(self, key: str) -> Tool:
        return self.tools.get(key) or Tool(key, key)

    def classify_path(self, path: str) -> list[Detection]:
        lowered = path.lower()
        basename = lowered.rsplit("/", 1)[-1]
        suffix = "." + basename.rsplit(".", 1)[-1] if "." in basename else ""
        candidates = (*self.by_basename.get(basename, ()), *self.by_suffix.get(suffix, ()), *self.generic)
        found = {(rule.category, rule.tool) for rule in candidates if rule.pattern.fullmatch(lowered)}
        return [Detection(category, tool, path) for category, tool in sorted(found)]

    def classify_manifest(self, manifest: Manifest, path: str) -> list[Detection]:
        found = set(self.kinds.get((manifest.group, manifest.kind), ()))
        found |= set(self.kinds.get((manifest.group, "*"), ()))
        if manifest.spec_keys & self.claim_spec_keys and manifest.group and "crossplane.io" not in manifest.group:
            found.add(("claims", "crossplane"))
        tool = self.injection_tool(manifest.markers)
        if tool:
            found.add(("injection", tool))
        return [Detection(category, tool, path) for category, tool in sorted(found)]

    def injection_tool(self, markers: Iterable[tuple[str, str]]) -> str:
        """The tool a set of labels or annotations asks to inject, or "" when none does."""
        for key, value in markers:
            rule = self.injection_markers.get(key)
            if rule is None:
                continue
            allowed, tool = rule
            wanted = value.strip().lower()
            if wanted in allowed or ("*" in allowed and wanted not in NEGATIVE_VALUES):
                return tool
        return ""


def _glob_regex(glob: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


def _index_key(glob: str) -> tuple[str, str]:
    """("basename", name) for a literal last segment, ("suffix", ".ext") for "*.ext", else ("generic", "")."""
    last = glob.rsplit("/", 1)[-1]
    if not any(ch in last for ch in "*?"):
        return "basename", last
    if last.startswith("*") and not any(ch in last[1:] for ch in "*?") and "." in last:
        return "suffix", "." + last.rsplit(".", 1)[-1]
    return "generic", ""


def _category_problems(data: dict[str, Any]) -> list[str]:
    """Every path and kind rule must name a category the file lists; every tool named must be listed under
    `tools`, with domains of assessor/data/capabilities.yaml."""
    categories = data["categories"]
    found = [
        problem((section, index, "category"), f"{entry['category']!r} is not one of the categories")
        for section in ("paths", "kinds")
        for index, entry in enumerate(data.get(section, ()))
        if entry["category"] not in categories
    ]
    if "tools" not in data:
        return found
    tools = data["tools"]
    found += [
        problem((section, index, "tool"), f"{entry['tool']!r} is not listed under 'tools'")
        for section in ("paths", "kinds", "injection_markers")
        for index, entry in enumerate(data.get(section, ()))
        if entry["tool"] not in tools
    ]
    domains = capability_keys()
    found += [
        problem(("tools", key, "domains"), f"{domain!r} is not a domain of assessor/data/capabilities.yaml")
        for key, tool in tools.items()
        for domain in tool["domains"]
        if domain not in domains
    ]
    return found


def build_detectors(data: Any, *, source: str | Path = "detectors") -> Detectors:
    """Detectors from a document, checked against detectors.schema.json and for unknown categories."""
    return _detectors(check_data(data, SCHEMA_FILE, source=source, error=DetectorsFileError), source)


@cache
def load_detectors(path: Path = DETECTORS_FILE) -> Detectors:
    return _detectors(read_data_file(path, SCHEMA_FILE, error=DetectorsFileError), path)


def _detectors(data: dict[str, Any], source: str | Path) -> Detectors:
    problems = _category_problems(data)
    if problems:
        raise DetectorsFileError(*problems, source=source)
    by_basename: dict[str, list[_PathRule]] = {}
    by_suffix: dict[str, list[_PathRule]] = {}
    generic: list[_PathRule] = []
    for entry in data.get("paths", ()):
        glob = entry["glob"].lower()
        rule = _PathRule(_glob_regex(glob), entry["category"], entry["tool"])
        where, key = _index_key(glob)
        if where == "basename":
            by_basename.setdefault(key, []).append(rule)
        elif where == "suffix":
            by_suffix.setdefault(key, []).append(rule)
        else:
            generic.append(rule)
    kinds: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for entry in data.get("kinds", ()):
        kinds.setdefault((entry["group"], entry["kind"]), []).append((entry["category"], entry["tool"]))
    markers = {
        entry["key"]: (frozenset(value.lower() for value in entry["values"]), entry["tool"])
        for entry in data.get("injection_markers", ())
    }
    return Detectors(
        version=data["version"],
        categories=dict(data["categories"]),
        by_basename={key: tuple(rules) for key, rules in by_basename.items()},
        by_suffix={key: tuple(rules) for key, rules in by_suffix.items()},
        generic=tuple(generic),
        kinds={key: tuple(found) for key, found in kinds.items()},
        claim_spec_keys=frozenset(data.get("claim_spec_keys", ())),
        injection_markers=markers,
        tools={
            key: Tool(key, entry["label"], tuple(entry["domains"]), tuple(entry["practices"]))
            for key, entry in data.get("tools", {}).items()
        },
    )


def is_yaml(path: str) -> bool:
    return path.lower().endswith(YAML_SUFFIXES)


def _string_pairs(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    return [(str(k), str(v)) for k, v in value.items() if isinstance(k, str) and isinstance(v, str | bool | int)]


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _manifest(document: Any) -> Manifest | None:
    if not isinstance(document, dict):
        return None
    api_version, kind = document.get("apiVersion"), document.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        return None
    group, _, version = api_version.rpartition("/")
    metadata = _mapping(document.get("metadata"))
    spec = _mapping(document.get("spec"))
    template_meta = _mapping(_mapping(spec.get("template")).get("metadata"))
    markers = [
        *_string_pairs(metadata.get("labels")),
        *_string_pairs(metadata.get("annotations")),
        *_string_pairs(template_meta.get("labels")),
        *_string_pairs(template_meta.get("annotations")),
    ]
    name = metadata.get("name")
    owner = spec.get("owner")
    return Manifest(
        group=group,
        version=version,
        kind=kind,
        name=name if isinstance(name, str) else "",
        spec_keys=frozenset(key for key in spec if isinstance(key, str)),
        markers=tuple(markers),
        owner=owner if isinstance(owner, str) else "",
    )


_API_VERSION_LINE = re.compile(r"^apiVersion:\s*[\"']?([A-Za-z0-9./-]+)", re.MULTILINE)
_KIND_LINE = re.compile(r"^kind:\s*[\"']?([A-Za-z0-9]+)", re.MULTILINE)
_DOCUMENT_SEPARATOR = re.compile(r"^---", re.MULTILINE)


def _manifests_by_lines(text: str) -> list[Manifest]:
    """Read apiVersion and kind line by line, for templated files (Helm) that are not valid YAML."""
    found = []
    for chunk in _DOCUMENT_SEPARATOR.split(text):
        api_version, kind = _API_VERSION_LINE.search(chunk), _KIND_LINE.search(chunk)
        if api_version and kind:
            group, _, version = api_version.group(1).rpartition("/")
            found.append(Manifest(group=group, version=version, kind=kind.group(1)))
    return found


def parse_manifests(text: str) -> list[Manifest]:
    """Every Kubernetes-style document in a YAML file; never raises, whatever the text."""
    if len(text) > MAX_MANIFEST_BYTES:
        return []
    try:
        documents = load_yaml_all(text, max_bytes=MAX_MANIFEST_BYTES * 4)
    except YAMLInputError:
        return _manifests_by_lines(text)
    manifests = []
    for document in documents:
        items = document.get("items") if isinstance(document, dict) and document.get("kind") == "List" else None
        for entry in items if isinstance(items, list) else [document]:
            manifest = _manifest(entry)
            if manifest is not None:
                manifests.append(manifest)
    return manifests


@dataclass(frozen=True)
class CodeOwners:
    rules: int
    team_owners: tuple[str, ...]
    person_owners: tuple[str, ...]


def parse_codeowners(text: str) -> CodeOwners:
    """Owners named in a CODEOWNERS file: `@org/team` entries are teams, `@user` and e-mails are people."""
    rules = 0
    teams: set[str] = set()
    people: set[str] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("["):
            continue
        parts = line.split()
        owners = parts[1:]
        if not owners:
            continue
        rules += 1
        for owner in owners:
            if owner.startswith("@") and "/" in owner:
                teams.add(owner)
            elif owner.startswith("@") or "@" in owner:
                people.add(owner)
    return CodeOwners(rules=rules, team_owners=tuple(sorted(teams)), person_owners=tuple(sorted(people)))
