"""Turning Kubernetes objects (read live or from a dump) into capability and per-namespace signals. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from assessor.capabilities import capability_keys
from assessor.datafiles import DataFileInvalid, check_data, duplicates, problem, read_data_file
from collectors.conf import DATA
from collectors.detect import Detectors, load_detectors
from collectors.records import SignalRecord, Skipped

CATALOG_FILE = DATA / "cluster-capabilities-1.yaml"
SCHEMA_FILE = DATA / "cluster-capabilities.schema.json"
WORKLOAD_KINDS = frozenset({("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet")})
CRD = ("apiextensions.k8s.io", "CustomResourceDefinition")
NAMESPACE = ("", "Namespace")
NETWORK_POLICY = ("networking.k8s.io", "NetworkPolicy")
HPA = ("autoscaling", "HorizontalPodAutoscaler")


@dataclass(frozen=True)
class Capability:
    name: str
    label: str
    domain: str
    crds: frozenset[str] = frozenset()
    workload_labels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ResourceKind:
    """A custom resource type: its CRD name (plural.group), group, kind, and served version when known."""

    crd: str
    group: str
    kind: str
    role: str
    plural: str = ""
    version: str = ""


@dataclass(frozen=True)
class ClusterCatalog:
    version: str
    capabilities: tuple[Capability, ...]
    resources: tuple[ResourceKind, ...]
    gitops_markers: frozenset[str] = field(default_factory=frozenset)


def build_catalog(data: Any, *, source: str | Path = "cluster capabilities") -> ClusterCatalog:
    """The catalog from a document, checked against cluster-capabilities.schema.json and for unique names."""
    return _catalog(check_data(data, SCHEMA_FILE, source=source, error=DataFileInvalid), source)


@cache
def load_catalog(path: Path = CATALOG_FILE) -> ClusterCatalog:
    return _catalog(read_data_file(path, SCHEMA_FILE), path)


def _catalog(data: dict[str, Any], source: str | Path) -> ClusterCatalog:
    problems = [
        problem((section,), f"{field} must be unique; repeated: {', '.join(repeated)}")
        for section, field in (("capabilities", "name"), ("resources", "crd"))
        if (repeated := duplicates([entry[field] for entry in data[section]]))
    ]
    domains = capability_keys()
    problems += [
        problem(("capabilities", index, "domain"), f"{entry['domain']!r} is not a domain of assessor/data/capabilities.yaml")
        for index, entry in enumerate(data["capabilities"])
        if entry["domain"] not in domains
    ]
    if problems:
        raise DataFileInvalid(*problems, source=source)
    capabilities = tuple(
        Capability(
            name=entry["name"],
            label=entry["label"],
            domain=entry["domain"],
            crds=frozenset(entry.get("crds", ())),
            workload_labels=frozenset(entry.get("workload_labels", ())),
        )
        for entry in data["capabilities"]
    )
    resources = tuple(
        ResourceKind(crd=e["crd"], group=e["crd"].split(".", 1)[1], kind=e["kind"], role=e["role"]) for e in data["resources"]
    )
    return ClusterCatalog(data["version"], capabilities, resources, frozenset(data.get("gitops_markers", ())))


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def kind_of(item: Mapping[str, Any]) -> tuple[str, str]:
    group = _str(item.get("apiVersion")).rpartition("/")[0]
    return group, _str(item.get("kind"))


def _pairs(value: Any) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in _dict(value).items() if isinstance(v, str | bool | int)]


def _served_version(spec: Mapping[str, Any]) -> str:
    versions = [_dict(v) for v in _list(spec.get("versions"))]
    storage = [v for v in versions if v.get("storage") and v.get("served", True)]
    served = storage or [v for v in versions if v.get("served", True)]
    return _str(served[0].get("name")) if served else ""


def installed_resources(items: Iterable[Mapping[str, Any]], catalog: ClusterCatalog) -> list[ResourceKind]:
    """The custom resource types worth reading in a cluster whose CRDs are `items`: catalogued ones and claims."""
    known = {r.crd: r for r in catalog.resources}
    found: dict[str, ResourceKind] = {}
    for item in items:
        if kind_of(item) != CRD:
            continue
        spec = _dict(item.get("spec"))
        names = _dict(spec.get("names"))
        name, group = _str(_dict(item.get("metadata")).get("name")), _str(spec.get("group"))
        kind, plural = _str(names.get("kind")), _str(names.get("plural"))
        version = _served_version(spec)
        if not (name and group and kind and plural and version):
            continue
        if name in known:
            found[name] = ResourceKind(name, group, kind, known[name].role, plural, version)
        elif "claim" in _list(names.get("categories")):
            found[name] = ResourceKind(name, group, kind, "claim", plural, version)
    return sorted(found.values(), key=lambda r: r.crd)


def _xrd_claim_kinds(items: Iterable[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(group, kind) of the claims that Crossplane composite resource definitions offer."""
    kinds = set()
    for item in items:
        if kind_of(item) == ("apiextensions.crossplane.io", "CompositeResourceDefinition"):
            spec = _dict(item.get("spec"))
            claim = _str(_dict(spec.get("claimNames")).get("kind"))
            if claim and _str(spec.get("group")):
                kinds.add((_str(spec.get("group")), claim))
    return kinds


@dataclass
class _Namespace:
    team: str = ""
    markers: list[tuple[str, str]] = field(default_factory=list)
    workloads: int = 0
    gitops: int = 0
    injected: int = 0
    backstage: int = 0
    containers: int = 0
    bounded_containers: int = 0
    network_policies: int = 0
    autoscalers: int = 0
    claims: int = 0
    gitops_destination: bool = False
    injection_tools: set[str] = field(default_factory=set)


def _container_bounded(container: Mapping[str, Any]) -> bool:
    resources = _dict(container.get("resources"))
    return bool(_dict(resources.get("requests"))) and bool(_dict(resources.get("limits")))


def cluster_signals(
    items: Sequence[Mapping[str, Any]],
    *,
    team_label: str,
    listed: Iterable[tuple[str, str]],
    catalog: ClusterCatalog | None = None,
    detectors: Detectors | None = None,
    endpoint: str = "",
) -> tuple[list[SignalRecord], list[Skipped]]:
    """Signals for the cluster's owner (installed capabilities, platform APIs) and for each team's namespaces.

    `listed` names the (group, kind) pairs that were read in full, so that none of them means zero, not unknown.
    """
    catalog = catalog or load_catalog()
    detectors = detectors or load_detectors()
    listed = set(listed)
    signals: list[SignalRecord] = []
    skipped: list[Skipped] = []
    crd_names = {_str(_dict(i.get("metadata")).get("name")) for i in items if kind_of(i) == CRD}
    roles = {(r.group, r.kind): r.role for r in installed_resources(items, catalog)}
    roles.update({(r.group, r.kind): r.role for r in catalog.resources if (r.group, r.kind) not in roles})
    roles.update({key: "claim" for key in _xrd_claim_kinds(items)})
    namespaces: dict[str, _Namespace] = defaultdict(_Namespace)
    backstage_labels = {label for c in catalog.capabilities for label in c.workload_labels}
    platform_apis = 0
    saw_backstage = False
    nameless_namespaces = 0

    for item in items:
        key = kind_of(item)
        metadata = _dict(item.get("metadata"))
        spec = _dict(item.get("spec"))
        ns = _str(metadata.get("namespace"))
        if key == NAMESPACE:
            name = _str(metadata.get("name"))
            if not name:  # nothing can be mapped to it
                nameless_namespaces += 1
                continue
            labels = _dict(metadata.get("labels"))
            namespaces[name].team = _str(labels.get(team_label))
            namespaces[name].markers = _pairs(labels) + _pairs(metadata.get("annotations"))
        elif key in WORKLOAD_KINDS and ns:
            template_meta = _dict(_dict(spec.get("template")).get("metadata"))
            markers = [*_pairs(metadata.get("labels")), *_pairs(metadata.get("annotations"))]
            markers += _pairs(template_meta.get("labels")) + _pairs(template_meta.get("annotations"))
            marker_keys = {k for k, _ in markers}
            state = namespaces[ns]
            state.workloads += 1
            state.gitops += bool(marker_keys & catalog.gitops_markers)
            has_backstage = bool(marker_keys & backstage_labels)
            state.backstage += has_backstage
            saw_backstage |= has_backstage
            tool = detectors.injection_tool(markers)
            if tool:
                state.injected += 1
                state.injection_tools.add(tool)
            pod = _dict(_dict(spec.get("template")).get("spec"))
            containers = [_dict(c) for c in _list(pod.get("containers"))]
            state.containers += len(containers)
            state.bounded_containers += sum(1 for c in containers if _container_bounded(c))
        elif key == NETWORK_POLICY and ns:
            namespaces[ns].network_policies += 1
        elif key == HPA and ns:
            namespaces[ns].autoscalers += 1
        elif key in roles:
            role = roles[key]
            if role == "platform_api":
                platform_apis += 1
            elif role == "autoscaler" and ns:
                namespaces[ns].autoscalers += 1
            elif role == "claim" and ns:
                namespaces[ns].claims += 1
            elif role == "gitops_app":
                destination = _str(_dict(spec.get("destination")).get("namespace")) or _str(spec.get("targetNamespace")) or ns
                if destination:
                    namespaces[destination].gitops_destination = True

    def add(key: str, value: Any, *, namespace: str = "", team: str = "", **detail: Any) -> None:
        signals.append(SignalRecord(key, value, detail=detail, namespace=namespace, team_slug=team, endpoint=endpoint))

    if CRD in listed:
        installed = []
        for capability in catalog.capabilities:
            present = bool(capability.crds & crd_names) or (bool(capability.workload_labels) and saw_backstage)
            if present:
                installed.append(capability)
            add(f"cluster.capability.{capability.name}", present, label=capability.label, domain=capability.domain)
        add("cluster.capabilities", len(installed), names=[c.label for c in installed])
        add("cluster.platform_apis", platform_apis)
    else:
        skipped.append(
            Skipped("cluster.capability.*", "no custom resource definitions were read, so installed capabilities are unknown")
        )

    if NAMESPACE not in listed:
        skipped.append(Skipped("k8s.*", "no namespaces were read, so workloads cannot be mapped to teams"))
        return signals, skipped
    if nameless_namespaces:
        skipped.append(Skipped("k8s.*", f"{nameless_namespaces} namespaces have no name, so nothing maps to them"))
    unlabelled = sorted(name for name, state in namespaces.items() if not state.team)
    if unlabelled:
        skipped.append(
            Skipped("k8s.*", f"{len(unlabelled)} namespaces have no '{team_label}' label: {', '.join(unlabelled[:8])}")
        )
    workloads_read = bool(listed & WORKLOAD_KINDS)
    if not workloads_read and any(state.team for state in namespaces.values()):
        skipped.append(Skipped("k8s.workloads", "no Deployments, StatefulSets or DaemonSets were read, so workloads are unknown"))
    for name, state in sorted(namespaces.items()):
        if not state.team:
            continue

        def put(key: str, value: Any, _name: str = name, _team: str = state.team, **detail: Any) -> None:
            add(key, value, namespace=_name, team=_team, **detail)

        if workloads_read:
            put("k8s.workloads", state.workloads)
        if state.workloads:
            namespace_tool = detectors.injection_tool(state.markers)
            injected = state.workloads if namespace_tool else state.injected
            tools = sorted(state.injection_tools | ({namespace_tool} if namespace_tool else set()))
            managed = state.workloads if state.gitops_destination else state.gitops
            put("k8s.gitops_share", round(managed / state.workloads, 3), workloads=state.workloads)
            put("k8s.injection_share", round(injected / state.workloads, 3), tools=tools)
            put("k8s.backstage_share", round(state.backstage / state.workloads, 3))
            if state.containers:
                put("k8s.resources_share", round(state.bounded_containers / state.containers, 3), containers=state.containers)
        if NETWORK_POLICY in listed:
            put("k8s.network_policies", state.network_policies)
        if HPA in listed:
            put("k8s.autoscalers", state.autoscalers)
        if CRD in listed:
            put("k8s.claims", state.claims)
    return signals, skipped
