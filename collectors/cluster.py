"""Turning Kubernetes objects (read live or from a dump) into capability and per-namespace signals. Pure.

A signal is given only when every kind it is derived from was read whole (`listed`); a kind that was refused,
not served, cut short or missing from a dump is unknown, and a signal that would count it as zero is left out so
that the value an earlier run saw stays current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from collectors.cluster_catalog import (
    CRD,
    XRD,
    ClusterCatalog,
    ResourceKind,
    build_catalog,
    installed_resources,
    kind_of,
    load_catalog,
    xrd_offers,
)
from collectors.cluster_reader import (
    DEPLOYMENT,
    HPA,
    NAMESPACE,
    NETWORK_POLICY,
    WORKLOAD_KINDS,
    ClusterReading,
    NamespaceState,
)
from collectors.detect import Detectors, load_detectors
from collectors.records import SignalRecord, Skipped

__all__ = [
    "BUILTIN_KINDS",
    "CRD",
    "WORKLOAD_KINDS",
    "build_catalog",
    "cluster_signals",
    "installed_resources",
    "kind_of",
    "load_catalog",
    "resources_to_read",
]

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
    reader = ClusterReading(catalog, detectors or load_detectors(), roles, team_label)
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


def _share_signals(put: Any, state: NamespaceState, *, gitops_read: bool, partial: Mapping[str, Any]) -> None:
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


def _capability_signals(
    catalog: ClusterCatalog, reader: ClusterReading, add: Any, *, crds_read: bool, workloads_whole: bool
) -> None:
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


def _namespace_notes(reader: ClusterReading, team_label: str) -> list[Skipped]:
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
