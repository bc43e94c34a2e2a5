"""One pass over a cluster's objects (read live or from a dump), namespaces first, gathering per namespace what
the cluster signals count: workloads and how they were applied, injection, policies, autoscalers, claims and
pipelines, and cluster-wide the CRDs, platform APIs, OLM operators and the tools seen managing workloads. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from collectors.cluster_catalog import CRD, ClusterCatalog, as_dict, as_list, as_str, kind_of
from collectors.detect import NEGATIVE_VALUES, Detectors

DEPLOYMENT = ("apps", "Deployment")
WORKLOAD_KINDS = frozenset({DEPLOYMENT, ("apps", "StatefulSet"), ("apps", "DaemonSet")})
NAMESPACE = ("", "Namespace")
SECRET = ("", "Secret")
OLM_COPY_LABEL = "olm.copiedFrom"  # OLM copies a CSV into every namespace its operator watches
NETWORK_POLICY = ("networking.k8s.io", "NetworkPolicy")
HPA = ("autoscaling", "HorizontalPodAutoscaler")
LOCAL_SERVER = "https://kubernetes.default.svc"


@dataclass
class NamespaceState:
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


class ClusterReading:
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
        self.namespaces: dict[str, NamespaceState] = {}
        self.crd_names: set[str] = set()
        self.platform_apis = 0
        self.saw_backstage = False
        self.managers_seen: set[str] = set()  # tools seen managing workloads, keeping releases or installing
        self.operators: set[str] = set()  # OLM-installed operators (CSV names), copies left out
        self.release_types = {m.release_secret_type: m.tool for m in catalog.managers if m.release_secret_type}
        self.release_prefixes = {m.release_secret_prefix: m.tool for m in catalog.managers if m.release_secret_prefix}
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
        self.namespaces[name] = NamespaceState(
            team=as_str(labels.get(self.team_label)), markers=_pairs(labels) + _pairs(metadata.get("annotations"))
        )

    def _home(self, namespace: str, kind: str) -> NamespaceState | None:
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
            name = as_str(metadata.get("name"))
            tool = self.release_types.get(as_str(item.get("type"))) or next(
                (t for prefix, t in self.release_prefixes.items() if name.startswith(prefix)), None
            )
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

    def _workload(self, state: NamespaceState, metadata: Mapping[str, Any], spec: Mapping[str, Any]) -> None:
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
