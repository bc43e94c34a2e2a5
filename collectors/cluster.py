"""Turning Kubernetes objects (read live or from a dump) into capability and per-namespace signals. Pure.

A signal is given only when every kind it is derived from was read whole (`listed`); a kind that was refused,
not served, cut short or missing from a dump is unknown, and a signal that would count it as zero is left out so
that the value an earlier run saw stays current.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from collectors.cluster_catalog import (
    CRD,
    XRD,
    ClusterCatalog,
    ResourceKind,
    as_dict,
    as_list,
    as_str,
    build_catalog,
    installed_resources,
    kind_of,
    load_catalog,
    xrd_offers,
)
from collectors.detect import NEGATIVE_VALUES, Detectors, load_detectors
from collectors.records import SignalRecord, Skipped

__all__ = [
    "BUILTIN_KINDS",
    "CRD",
    "build_catalog",
    "cluster_signals",
    "installed_resources",
    "kind_of",
    "load_catalog",
    "resources_to_read",
]

DEPLOYMENT = ("apps", "Deployment")
WORKLOAD_KINDS = frozenset({DEPLOYMENT, ("apps", "StatefulSet"), ("apps", "DaemonSet")})
NAMESPACE = ("", "Namespace")
SECRET = ("", "Secret")
OLM_COPY_LABEL = "olm.copiedFrom"  # OLM copies a CSV into every namespace its operator watches
NETWORK_POLICY = ("networking.k8s.io", "NetworkPolicy")
HPA = ("autoscaling", "HorizontalPodAutoscaler")
LOCAL_SERVER = "https://kubernetes.default.svc"
BUILTIN_KINDS = {
    CRD: "installed capabilities and custom resources",
    NAMESPACE: "mapping namespaces to teams",
    DEPLOYMENT: "workloads",
    ("apps", "StatefulSet"): "workloads",
    ("apps", "DaemonSet"): "workloads",
    NETWORK_POLICY: "network policies",
    HPA: "autoscaling",
}


def resources_to_read(items: Iterable[Mapping[str, Any]], catalog: ClusterCatalog) -> list[ResourceKind]:
    """The custom resource types a dump's CRDs and Crossplane definitions say exist and the rules read."""
    objects = list(items)
    found = {r.crd: r for r in installed_resources(objects, catalog)}
    found.update({r.crd: r for r in xrd_offers(objects)})
    return sorted(found.values(), key=lambda r: r.crd)


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
    scale_targets: set[tuple[str, str]] = field(default_factory=set)
    claims: int = 0
    gitops_destination: bool = False
    injection_tools: set[str] = field(default_factory=set)
    managed: int = 0
    managed_by: Counter[str] = field(default_factory=Counter)
    controller_parts: int = 0  # workloads of a GitOps controller itself, left out of the shares
    controller_tools: set[str] = field(default_factory=set)
    pipelines: Counter[str] = field(default_factory=Counter)

    @property
    def counted(self) -> int:
        """The workloads the GitOps and managed shares are about: all but the GitOps controller's own."""
        return self.workloads - self.controller_parts


def _pairs(value: Any) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in as_dict(value).items() if isinstance(v, str | bool | int)]


def _container_bounded(container: Mapping[str, Any]) -> bool:
    resources = as_dict(container.get("resources"))
    return bool(as_dict(resources.get("requests"))) and bool(as_dict(resources.get("limits")))


def _gitops_destination(key: tuple[str, str], spec: Mapping[str, Any], namespace: str) -> str:
    """The local namespace a GitOps application deploys to, or "" when it deploys to another cluster or names none."""
    if key == ("argoproj.io", "Application"):
        destination = as_dict(spec.get("destination"))
        server, name = as_str(destination.get("server")), as_str(destination.get("name"))
        local = server.rstrip("/") in ("", LOCAL_SERVER) and name in ("", "in-cluster")
        return as_str(destination.get("namespace")) if local else ""
    if as_dict(spec.get("kubeConfig")):  # Flux applying to a remote cluster
        return ""
    if key == ("helm.toolkit.fluxcd.io", "HelmRelease"):
        return as_str(spec.get("targetNamespace")) or namespace
    return as_str(spec.get("targetNamespace")) or as_str(as_dict(spec.get("destination")).get("namespace"))


def _scale_target(spec: Mapping[str, Any], fallback: str) -> tuple[str, str]:
    target = as_dict(spec.get("scaleTargetRef"))
    name = as_str(target.get("name"))
    return (as_str(target.get("kind")) or "Deployment", name) if name else ("", fallback)


class _Reader:
    """One pass over the objects, namespaces first, gathering what the signals count."""

    def __init__(
        self, catalog: ClusterCatalog, detectors: Detectors, roles: Mapping[tuple[str, str], str], team_label: str
    ) -> None:
        self.catalog = catalog
        self.team_label = team_label
        self.detectors = detectors
        self.roles = roles
        self.tools: dict[tuple[str, str], str] = {}
        self.backstage_labels = {label for c in catalog.capabilities for label in c.workload_labels}
        self.namespaces: dict[str, _Namespace] = {}
        self.crd_names: set[str] = set()
        self.platform_apis = 0
        self.saw_backstage = False
        self.managers_seen: set[str] = set()  # tools seen managing workloads, keeping releases or installing
        self.operators: set[str] = set()  # OLM-installed operators (CSV names), copies left out
        self.release_types = {m.release_secret_type: m.tool for m in catalog.managers if m.release_secret_type}
        self.installing_kinds = {kind: m.tool for m in catalog.managers for kind in m.resources}
        self.nameless_namespaces = 0
        self.homeless: dict[str, int] = {}  # objects in namespaces that the namespace list does not hold

    def read(self, items: Sequence[Mapping[str, Any]]) -> None:
        for item in items:
            key = kind_of(item)
            metadata = as_dict(item.get("metadata"))
            if key == NAMESPACE:
                self._namespace(metadata)
            elif key == CRD:
                self.crd_names.add(as_str(metadata.get("name")))
        for item in items:
            key = kind_of(item)
            if key not in (NAMESPACE, CRD):
                self._object(key, item)

    def _namespace(self, metadata: Mapping[str, Any]) -> None:
        name = as_str(metadata.get("name"))
        if not name:  # nothing can be mapped to it
            self.nameless_namespaces += 1
            return
        labels = as_dict(metadata.get("labels"))
        self.namespaces[name] = _Namespace(
            team=as_str(labels.get(self.team_label)), markers=_pairs(labels) + _pairs(metadata.get("annotations"))
        )

    def _home(self, namespace: str, kind: str) -> _Namespace | None:
        state = self.namespaces.get(namespace) if namespace else None
        if state is None and namespace:
            self.homeless[kind] = self.homeless.get(kind, 0) + 1
        return state

    def _object(self, key: tuple[str, str], item: Mapping[str, Any]) -> None:
        metadata, spec = as_dict(item.get("metadata")), as_dict(item.get("spec"))
        namespace = as_str(metadata.get("namespace"))
        role = self.roles.get(key)
        if key in self.installing_kinds:  # a Flux HelmRelease: Helm is in use, whatever else the object does
            self.managers_seen.add(self.installing_kinds[key])
        if key == SECRET:
            tool = self.release_types.get(as_str(item.get("type")))
            if tool is None and as_str(metadata.get("name")).startswith("sh.helm.release.v1."):
                tool = self.release_types.get("helm.sh/release.v1")
            if tool:  # only the name and type are read: a release record holds the chart's values
                self.managers_seen.add(tool)
        elif key in WORKLOAD_KINDS or role == "workload":
            state = self._home(namespace, key[1])
            if state is not None:
                self._workload(state, metadata, spec)
        elif key == NETWORK_POLICY:
            if (state := self._home(namespace, key[1])) is not None:
                state.network_policies += 1
        elif key == HPA or role == "autoscaler":
            # KEDA scales through an HPA of its own aimed at the ScaledObject's target: a target counts once.
            if (state := self._home(namespace, key[1])) is not None:
                state.scale_targets.add(_scale_target(spec, f"{key[1]}/{as_str(metadata.get('name'))}"))
        elif role == "platform_api":
            self.platform_apis += 1
        elif role == "operator":
            if OLM_COPY_LABEL not in as_dict(metadata.get("labels")):
                self.operators.add(as_str(metadata.get("name")))
        elif role == "pipeline":
            if (state := self._home(namespace, key[1])) is not None:
                state.pipelines[self.tools.get(key, key[1])] += 1
        elif role == "claim":
            if (state := self._home(namespace, key[1])) is not None:
                state.claims += 1
        elif role == "gitops_app":
            destination = _gitops_destination(key, spec, namespace)
            if destination in self.namespaces:  # never a namespace of another cluster
                self.namespaces[destination].gitops_destination = True

    def _gitops_marked(self, labels: Mapping[str, Any], marker_keys: set[str]) -> bool:
        if marker_keys & self.catalog.gitops_markers:
            return True
        return any(t.key in labels and not (t.unless & marker_keys) for t in self.catalog.tracking_labels)

    def _manager(self, metadata: Mapping[str, Any], own: Mapping[str, str]) -> str:
        """The tool that applied a workload, from its own labels and annotations or its controlling owner; "" for none."""
        owner = next((as_dict(o) for o in as_list(metadata.get("ownerReferences")) if as_dict(o).get("controller")), None)
        owner_kind = kind_of(owner) if owner is not None else None
        for manager in self.catalog.managers:
            if manager.markers.match(own) or (owner_kind is not None and owner_kind in manager.owners):
                return manager.tool
        return "controller" if owner_kind is not None else ""

    def _controller_part(self, own: Mapping[str, str]) -> str:
        return next((c.tool for c in self.catalog.controllers if c.markers.match(own)), "")

    def _workload(self, state: _Namespace, metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
        template = as_dict(spec.get("template"))
        template_meta = as_dict(template.get("metadata"))
        own = _pairs(metadata.get("labels")) + _pairs(metadata.get("annotations"))
        pod = _pairs(template_meta.get("labels")) + _pairs(template_meta.get("annotations"))
        markers = own + pod
        marker_keys = {k for k, _ in markers}
        state.workloads += 1
        own_markers = dict(own)
        manager = self._manager(metadata, own_markers)
        if manager and manager != "controller":
            self.managers_seen.add(manager)
        controller = self._controller_part(own_markers)
        if controller:
            state.controller_parts += 1
            state.controller_tools.add(controller)
        else:
            gitops = self._gitops_marked(as_dict(metadata.get("labels")), marker_keys)
            state.gitops += gitops
            if gitops or manager:
                state.managed += 1
                state.managed_by["gitops" if gitops else manager] += 1
        has_backstage = bool(marker_keys & self.backstage_labels)
        state.backstage += has_backstage
        self.saw_backstage |= has_backstage
        tool = self.detectors.injection_tool(markers)
        namespace_tool = self.detectors.injection_tool(state.markers)
        if not tool and namespace_tool and not self._opted_out(pod, namespace_tool):
            tool = namespace_tool
        if tool:
            state.injected += 1
            state.injection_tools.add(tool)
        containers = [as_dict(c) for c in as_list(as_dict(template.get("spec")).get("containers"))]
        state.containers += len(containers)
        state.bounded_containers += sum(1 for c in containers if _container_bounded(c))

    def _opted_out(self, pod_markers: Iterable[tuple[str, str]], tool: str) -> bool:
        """Whether the pod template turns off the injection its namespace asks for (`sidecar.istio.io/inject: "false"`)."""
        for key, value in pod_markers:
            rule = self.detectors.injection_markers.get(key)
            if rule is not None and rule[1] == tool and value.strip().lower() in NEGATIVE_VALUES:
                return True
        return False


def cluster_signals(
    items: Sequence[Mapping[str, Any]],
    *,
    team_label: str,
    listed: Iterable[tuple[str, str]],
    catalog: ClusterCatalog | None = None,
    detectors: Detectors | None = None,
    endpoint: str = "",
    installed: Sequence[ResourceKind] | None = None,
) -> tuple[list[SignalRecord], list[Skipped]]:
    """Signals for the cluster's owner (installed capabilities, platform APIs) and for each team's namespaces.

    `listed` names the (group, kind) pairs read whole, so that none of them means zero; any other kind is
    unknown. `installed` names the custom resource types the cluster has (read from its CRDs and Crossplane
    definitions); by default they are found among `items`.
    """
    catalog = catalog or load_catalog()
    listed = set(listed)
    installed = list(resources_to_read(items, catalog) if installed is None else installed)
    roles = {r.key: r.role for r in catalog.resources}
    roles.update({r.key: r.role for r in installed})
    reader = _Reader(catalog, detectors or load_detectors(), roles, team_label)
    reader.tools = {r.key: r.tool for r in (*catalog.resources, *installed) if r.tool}
    reader.read(items)
    signals: list[SignalRecord] = []
    skipped: list[Skipped] = []

    def add(key: str, value: Any, *, namespace: str = "", team: str = "", **detail: Any) -> None:
        signals.append(SignalRecord(key, value, detail=detail, namespace=namespace, team_slug=team, endpoint=endpoint))

    crds_read = CRD in listed

    def role_read(role: str) -> bool:
        """Every installed resource of this role was read (so none of them means none), and so were the CRDs."""
        kinds = {r.key for r in installed if r.role == role}
        return crds_read and kinds <= listed

    workload_kinds = WORKLOAD_KINDS | {r.key for r in installed if r.role == "workload"}
    workloads_partial = sorted(_kind_name(key) for key in workload_kinds - listed)
    workloads_read = DEPLOYMENT in listed and NAMESPACE in listed
    _capability_signals(catalog, reader, add, crds_read=crds_read, workloads_whole=not workloads_partial)
    if role_read("platform_api"):
        add("cluster.platform_apis", reader.platform_apis)
    elif crds_read:
        skipped.append(Skipped("cluster.platform_apis", "not every platform API definition was read, so their number is unknown"))
    if any(r.role == "operator" for r in installed) and role_read("operator"):
        add("cluster.olm_operators", len(reader.operators), names=sorted(reader.operators)[:20])
    if not crds_read:
        skipped.append(
            Skipped(
                "cluster.capability.*", "the custom resource definitions were not read whole: absent capabilities are unknown"
            )
        )

    if NAMESPACE not in listed:
        skipped.append(Skipped("k8s.*", "no namespaces were read, so workloads cannot be mapped to teams"))
        return signals, skipped
    skipped += _namespace_notes(reader, team_label)
    if not workloads_read:
        skipped.append(Skipped("k8s.workloads", "no Deployments were read, so workloads are unknown"))
    elif workloads_partial:
        skipped.append(
            Skipped(
                "k8s.workloads",
                f"{' and '.join(k + 's' for k in workloads_partial)} were not read: workload figures cover the other kinds",
            )
        )
    gitops_read = role_read("gitops_app")
    claims_read = role_read("claim") and (XRD not in {r.key for r in installed} or XRD in listed)
    if workloads_read and not gitops_read:
        skipped.append(Skipped("k8s.gitops_share", "GitOps applications were not all read: the share is unknown"))
    if not claims_read:
        skipped.append(Skipped("k8s.claims", "not every kind of claim was read, so the number of claims is unknown"))
    pipeline_tools = _pipeline_tools_read(installed, listed if crds_read else set())
    partial = {"read_whole": False, "kinds": sorted(_kind_name(k) for k in workload_kinds & listed)} if workloads_partial else {}
    for name, state in sorted(reader.namespaces.items()):
        if not state.team:
            continue

        def put(key: str, value: Any, _name: str = name, _team: str = state.team, **detail: Any) -> None:
            add(key, value, namespace=_name, team=_team, **detail)

        if workloads_read:
            put("k8s.workloads", state.workloads, **partial, **({"read": state.workloads} if partial else {}))
        if workloads_read and state.controller_parts:
            labels = ", ".join(sorted(c.label for c in catalog.controllers if c.tool in state.controller_tools))
            skipped.append(
                Skipped(
                    f"k8s.gitops_share ({name})",
                    f"{state.controller_parts} workloads are the {labels} controller itself, which no controller tracks: "
                    "they are left out of the GitOps and managed shares",
                )
            )
        if workloads_read and state.workloads:
            namespace_tool = reader.detectors.injection_tool(state.markers)
            tools = sorted(state.injection_tools | ({namespace_tool} if namespace_tool else set()))
            _share_signals(put, state, gitops_read=gitops_read, partial=partial)
            put("k8s.injection_share", round(state.injected / state.workloads, 3), tools=tools, **partial)
            put("k8s.backstage_share", round(state.backstage / state.workloads, 3), **partial)
            if state.containers:
                share = round(state.bounded_containers / state.containers, 3)
                put("k8s.resources_share", share, containers=state.containers, **partial)
        if NETWORK_POLICY in listed:
            put("k8s.network_policies", state.network_policies)
        if HPA in listed:
            put("k8s.autoscalers", len(state.scale_targets))
        if claims_read:
            put("k8s.claims", state.claims)
        for tool in pipeline_tools:
            put(f"k8s.pipelines.{tool}", state.pipelines[tool])
    return signals, skipped


def _kind_name(key: tuple[str, str]) -> str:
    group, kind = key
    return kind if key in WORKLOAD_KINDS or not group else f"{kind} ({group})"


def _pipeline_tools_read(installed: Sequence[ResourceKind], listed: set[tuple[str, str]]) -> list[str]:
    """The pipeline tools installed whose every pipeline kind was read: for them, none in a namespace means none."""
    kinds: dict[str, set[tuple[str, str]]] = {}
    for resource in installed:
        if resource.role == "pipeline" and resource.tool:
            kinds.setdefault(resource.tool, set()).add(resource.key)
    return sorted(tool for tool, wanted in kinds.items() if wanted <= listed)


def _share_signals(put: Any, state: _Namespace, *, gitops_read: bool, partial: Mapping[str, Any]) -> None:
    """The GitOps share and the managed share (GitOps, Helm, Knative, KubeVela or another controller) of the
    namespace's workloads, leaving out the GitOps controller's own. A namespace a GitOps application deploys to
    counts as managed whole; without the applications read, the managed share is only a lower bound."""
    counted = state.counted
    if not counted:
        return
    extra = {"controller_workloads": state.controller_parts} if state.controller_parts else {}
    if gitops_read:
        gitops = counted if state.gitops_destination else state.gitops
        put("k8s.gitops_share", round(gitops / counted, 3), workloads=counted, **extra, **partial)
    managed = counted if gitops_read and state.gitops_destination else state.managed
    by = dict(sorted(state.managed_by.items())) if not (gitops_read and state.gitops_destination) else {"gitops": counted}
    detail = {**partial, **({} if gitops_read else {"read_whole": False, "read": managed})}
    put("k8s.managed_share", round(managed / counted, 3), workloads=counted, managed_by=by, **extra, **detail)


def _capability_signals(catalog: ClusterCatalog, reader: _Reader, add: Any, *, crds_read: bool, workloads_whole: bool) -> None:
    """Each capability present or absent when that is known; only those seen present when the CRDs were cut short."""
    installed = []
    whole = crds_read
    for capability in catalog.capabilities:
        present = (
            bool(capability.crds & reader.crd_names)
            or (bool(capability.workload_labels) and reader.saw_backstage)
            or (bool(capability.manager) and capability.manager in reader.managers_seen)
        )
        known = present or (crds_read if capability.crds else workloads_whole)
        whole &= known
        if present:
            installed.append(capability)
        if known:
            detail: dict[str, Any] = {"label": capability.label, "domain": capability.domain}
            if capability.practices:
                detail["practices"] = list(capability.practices)
            add(f"cluster.capability.{capability.name}", present, **detail)
    names = [c.label for c in installed]
    if whole:
        add("cluster.capabilities", len(installed), names=names)
    elif installed:  # at least these: a lower bound
        add("cluster.capabilities", len(installed), names=names, read_whole=False, read=len(installed))


def _namespace_notes(reader: _Reader, team_label: str) -> list[Skipped]:
    notes = []
    if reader.nameless_namespaces:
        notes.append(Skipped("k8s.*", f"{reader.nameless_namespaces} namespaces have no name, so nothing maps to them"))
    unlabelled = sorted(name for name, state in reader.namespaces.items() if not state.team)
    if unlabelled:
        notes.append(Skipped("k8s.*", f"{len(unlabelled)} namespaces have no '{team_label}' label: {', '.join(unlabelled[:8])}"))
    if reader.homeless:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(reader.homeless.items()))
        notes.append(Skipped("k8s.*", f"objects in namespaces missing from the namespace list were left out: {counts}"))
    return notes
