"""The cluster capability catalog (a versioned data file) and the custom resource types worth reading in a cluster:
catalogued ones, and the claims and namespaced composite resources a platform offers through Crossplane. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from assessor.capabilities import capability_keys
from assessor.datafiles import DataFileInvalid, check_data, duplicates, problem, read_data_file

DATA = Path(__file__).resolve().parent / "data"  # collectors.conf.DATA, without importing Django settings
CATALOG_FILE = DATA / "cluster-capabilities-1.yaml"
SCHEMA_FILE = DATA / "cluster-capabilities.schema.json"
CRD = ("apiextensions.k8s.io", "CustomResourceDefinition")
XRD = ("apiextensions.crossplane.io", "CompositeResourceDefinition")


@dataclass(frozen=True)
class Capability:
    name: str
    label: str
    domain: str
    crds: frozenset[str] = frozenset()
    workload_labels: frozenset[str] = frozenset()
    manager: str = ""
    practices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Markers:
    """Label or annotation keys, each with the values that count (lower case; empty: any value)."""

    wanted: tuple[tuple[str, frozenset[str]], ...] = ()

    def match(self, pairs: Mapping[str, str]) -> bool:
        for key, values in self.wanted:
            value = pairs.get(key)
            if value is not None and (not values or value.strip().lower() in values):
                return True
        return False


@dataclass(frozen=True)
class WorkloadManager:
    """A delivery tool whose workloads count as managed: by markers, by the kind of a controlling owner, and (for
    Helm) by its release records or by resources that install through it."""

    tool: str
    label: str
    markers: Markers = field(default_factory=Markers)
    owners: frozenset[tuple[str, str]] = frozenset()
    release_secret_type: str = ""
    release_secret_prefix: str = ""
    resources: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class GitOpsController:
    tool: str
    label: str
    markers: Markers


@dataclass(frozen=True)
class ResourceKind:
    """A custom resource type: its CRD name (plural.group), group, kind, role, and served version when known."""

    crd: str
    group: str
    kind: str
    role: str
    plural: str = ""
    version: str = ""
    tool: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.group, self.kind


@dataclass(frozen=True)
class TrackingLabel:
    """A label a GitOps controller may set, which counts unless the object also carries one of `unless` (keys of
    labels or annotations that show another tool applied it, such as Helm's release annotations)."""

    key: str
    unless: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ClusterCatalog:
    version: str
    capabilities: tuple[Capability, ...]
    resources: tuple[ResourceKind, ...]
    gitops_markers: frozenset[str] = field(default_factory=frozenset)
    tracking_labels: tuple[TrackingLabel, ...] = ()
    managers: tuple[WorkloadManager, ...] = ()
    controllers: tuple[GitOpsController, ...] = ()

    def role_of(self, crd: str) -> ResourceKind | None:
        return next((r for r in self.resources if r.crd == crd), None)


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
    managers = {entry["tool"] for entry in data.get("workload_managers", ())}
    problems += [
        problem(("capabilities", index, "manager"), f"{entry['manager']!r} is not a tool of 'workload_managers'")
        for index, entry in enumerate(data["capabilities"])
        if "manager" in entry and entry["manager"] not in managers
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
            manager=entry.get("manager", ""),
            practices=tuple(entry.get("practices", ())),
        )
        for entry in data["capabilities"]
    )
    resources = tuple(
        ResourceKind(
            crd=e["crd"],
            group=e["crd"].split(".", 1)[1],
            kind=e["kind"],
            role=e["role"],
            plural=e["crd"].split(".", 1)[0],
            tool=e.get("tool", ""),
        )
        for e in data["resources"]
    )
    tracking = tuple(TrackingLabel(t["key"], frozenset(t.get("unless", ()))) for t in data.get("gitops_tracking_labels", ()))
    workload_managers = tuple(
        WorkloadManager(
            tool=e["tool"],
            label=e["label"],
            markers=_markers(e.get("markers", ())),
            owners=_kinds(e.get("owners", ())),
            release_secret_type=e.get("release_secret_type", ""),
            release_secret_prefix=e.get("release_secret_prefix", ""),
            resources=_kinds(e.get("resources", ())),
        )
        for e in data.get("workload_managers", ())
    )
    controllers = tuple(
        GitOpsController(e["tool"], e["label"], _markers(e["markers"])) for e in data.get("gitops_controllers", ())
    )
    return ClusterCatalog(
        data["version"],
        capabilities,
        resources,
        frozenset(data.get("gitops_markers", ())),
        tracking,
        workload_managers,
        controllers,
    )


def _markers(entries: Iterable[Mapping[str, Any]]) -> Markers:
    return Markers(tuple((e["key"], frozenset(v.lower() for v in e.get("values", ()))) for e in entries))


def _kinds(entries: Iterable[Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
    return frozenset((e["group"], e["kind"]) for e in entries)


def as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def kind_of(item: Mapping[str, Any]) -> tuple[str, str]:
    group = as_str(item.get("apiVersion")).rpartition("/")[0]
    return group, as_str(item.get("kind"))


def served_version(versions: Any, *, referenceable: bool = False) -> str:
    """The version to read: the storage version when served, else the first served one."""
    entries = [as_dict(v) for v in as_list(versions)]
    served = [v for v in entries if v.get("served", True) and (not referenceable or v.get("referenceable", True))]
    storage = [v for v in served if v.get("storage")]
    chosen = storage or served
    return as_str(chosen[0].get("name")) if chosen else ""


def installed_resources(items: Iterable[Mapping[str, Any]], catalog: ClusterCatalog) -> list[ResourceKind]:
    """The custom resource types worth reading in a cluster whose full CRD objects are among `items` (a dump):
    catalogued ones, claims, and namespaced composite resources (Crossplane v2 has no claims)."""
    found: dict[str, ResourceKind] = {}
    for item in items:
        if kind_of(item) != CRD:
            continue
        spec = as_dict(item.get("spec"))
        names = as_dict(spec.get("names"))
        name, group = as_str(as_dict(item.get("metadata")).get("name")), as_str(spec.get("group"))
        kind, plural = as_str(names.get("kind")), as_str(names.get("plural"))
        version = served_version(spec.get("versions"))
        if not (name and group and kind and plural and version):
            continue
        categories = as_list(names.get("categories"))
        known = catalog.role_of(name)
        if known is not None:
            found[name] = ResourceKind(name, group, kind, known.role, plural, version, known.tool)
        elif "claim" in categories or ("composite" in categories and spec.get("scope") == "Namespaced"):
            found[name] = ResourceKind(name, group, kind, "claim", plural, version)
    return sorted(found.values(), key=lambda r: r.crd)


def xrd_offers(items: Iterable[Mapping[str, Any]]) -> list[ResourceKind]:
    """The resources teams create to ask a Crossplane platform API for something, from its composite resource
    definitions: claims (Crossplane v1) and namespaced composite resources (v2, where scope defaults to
    Namespaced and there are no claims). Cluster-scoped composites belong to no team and are left out."""
    offers: dict[str, ResourceKind] = {}
    for item in items:
        if kind_of(item) != XRD:
            continue
        spec = as_dict(item.get("spec"))
        group = as_str(spec.get("group"))
        version = served_version(spec.get("versions"), referenceable=True)
        if not (group and version):
            continue
        claim = as_dict(spec.get("claimNames"))
        names = as_dict(spec.get("names"))
        v2 = as_str(item.get("apiVersion")).endswith("/v2")
        scope = as_str(spec.get("scope")) or ("Namespaced" if v2 else "Cluster")
        for offered in (claim, names if scope == "Namespaced" else {}):
            kind, plural = as_str(offered.get("kind")), as_str(offered.get("plural"))
            if kind and plural:
                crd = f"{plural}.{group}"
                offers[crd] = ResourceKind(crd, group, kind, "claim", plural, version)
    return sorted(offers.values(), key=lambda r: r.crd)


BUILTIN_EXPORTS = (
    "customresourcedefinitions.apiextensions.k8s.io",
    "namespaces",
    "deployments.apps",
    "statefulsets.apps",
    "daemonsets.apps",
    "networkpolicies.networking.k8s.io",
    "horizontalpodautoscalers.autoscaling",
)


def export_command(catalog: ClusterCatalog | None = None) -> str:
    """The shell command that exports what the signals read: the built-in kinds, the catalogued custom resources
    the cluster serves, and every claim and namespaced composite resource. kubectl refuses a type the cluster does
    not serve, so the list is built from `kubectl api-resources`; `--chunk-size=0` reads each list in one answer,
    so an expired continue token cannot leave a list cut short without notice."""
    names = [*BUILTIN_EXPORTS, *sorted(r.crd for r in (catalog or load_catalog()).resources)]
    wanted = " ".join(f"-e {name}" for name in names)
    return (
        f'kubectl get "$({{ kubectl api-resources -o name | grep -x -F {wanted}; '
        "kubectl api-resources -o name --categories claim; "
        'kubectl api-resources -o name --categories composite --namespaced=true; } | sort -u | paste -sd, -)" '
        "-A -o json --chunk-size=0 > cluster.json"
    )
