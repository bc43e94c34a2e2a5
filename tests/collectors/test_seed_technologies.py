"""Every seed technology is named where teams keep it (repository files, cluster dumps) and mapped to the
capability domains and practices it serves."""

from __future__ import annotations

import pytest

from assessor.capabilities import capability_keys
from assessor.datafiles import PROJECT_ROOT
from assessor.yamlsafe import load_yaml
from collectors.cluster import cluster_signals, load_catalog
from collectors.detect import load_detectors
from collectors.dump import listed_kinds
from collectors.files import detect_files, file_signals

DETECTORS = load_detectors()
PRACTICES = {
    p["key"]: {s["key"] for s in p["signals"]}
    for p in load_yaml((PROJECT_ROOT / "reports/data/practices/practices-1.yaml").read_text())["practices"]
}

KNATIVE_SERVICE = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: checkout
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/shop/checkout:1.4.2
          ports: [{containerPort: 8080}]
"""
KEPTN = """\
apiVersion: lifecycle.keptn.sh/v1
kind: KeptnTaskDefinition
metadata:
  name: notify-release
spec:
  deno:
    inline:
      code: console.log("deployed")
---
apiVersion: metrics.keptn.sh/v1
kind: KeptnMetric
metadata:
  name: available-cpus
spec:
  provider: {name: prometheus}
  query: sum(kube_node_status_capacity{resource="cpu"})
  fetchIntervalSeconds: 10
"""
OPENKRUISE = """\
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata:
  name: web
spec:
  replicas: 3
  updateStrategy: {type: InPlaceIfPossible}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
---
apiVersion: apps.kruise.io/v1beta1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers: [{name: redis, image: redis:7}]
---
apiVersion: apps.kruise.io/v1alpha1
kind: DaemonSet
metadata:
  name: log-agent
spec:
  selector: {matchLabels: {app: log-agent}}
  template:
    metadata: {labels: {app: log-agent}}
    spec:
      containers: [{name: agent, image: fluent/fluent-bit:3.0}]
"""
KRATIX_PROMISE = """\
apiVersion: platform.kratix.io/v1alpha1
kind: Promise
metadata:
  name: postgresql
  labels: {kratix.io/promise-version: v1.0.0}
spec:
  api:
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: postgresqls.marketplace.kratix.io}
"""
CNPG_CLUSTER = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: orders-db
spec:
  instances: 3
  storage: {size: 20Gi}
"""
SKAFFOLD = """\
apiVersion: skaffold/v4beta11
kind: Config
metadata: {name: checkout}
build:
  artifacts: [{image: ghcr.io/shop/checkout}]
manifests:
  rawYaml: [k8s/*.yaml]
"""
NETWORK_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"""
FLUX_HELM_RELEASE = """\
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      sourceRef: {kind: HelmRepository, name: podinfo}
"""


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("k8s/checkout.yaml", KNATIVE_SERVICE, {("serverless", "knative")}),
        ("deploy/keptn.yaml", KEPTN, {("deployment_checks", "keptn"), ("observability", "keptn")}),
        ("manifests/web.yaml", OPENKRUISE, {("workloads", "openkruise")}),
        ("platform/promise.yaml", KRATIX_PROMISE, {("platform_api", "kratix")}),
        ("db/cluster.yaml", CNPG_CLUSTER, {("operator_resources", "cloudnativepg")}),
        ("skaffold.yaml", SKAFFOLD, {("dev_loop", "skaffold")}),
        ("k8s/netpol.yaml", NETWORK_POLICY, {("network_policies", "networkpolicy")}),
        ("clusters/apps/podinfo.yaml", FLUX_HELM_RELEASE, {("gitops", "flux"), ("iac", "helm")}),
    ],
)
def test_it_names_each_seed_technology_in_repository_files(path, text, expected):
    found = {(d.category, d.tool) for d in detect_files([path], {path: text}, DETECTORS)}
    assert found == expected


def test_skaffold_is_named_by_its_file_name_alone():
    assert {(d.category, d.tool) for d in DETECTORS.classify_path("services/checkout/skaffold.yaml")} == {
        ("dev_loop", "skaffold")
    }


def test_each_found_tool_gets_a_signal_with_its_domains_and_practices():
    blobs = {"k8s/checkout.yaml": KNATIVE_SERVICE, "db/cluster.yaml": CNPG_CLUSTER, "skaffold.yaml": SKAFFOLD}
    signals, _ = file_signals([*blobs, "README.md"], blobs, DETECTORS, endpoint="test")
    by_key = {s.key: s for s in signals}
    assert by_key["files.tool.cloudnativepg"].value == 1
    assert by_key["files.tool.cloudnativepg"].detail["domains"] == ["data"]
    assert by_key["files.tool.cloudnativepg"].detail["practices"] == ["operators", "resource_model"]
    assert by_key["files.tool.knative"].detail["categories"] == ["serverless"]
    assert by_key["files.operator_resources"].detail["domains"] == ["data"]
    assert "files.tool.terraform" not in by_key  # a tool not found stays unknown, never zero


SEED_TOOLS = ("knative", "keptn", "openkruise", "kratix", "cloudnativepg", "skaffold", "networkpolicy", "helm", "tekton")


@pytest.mark.parametrize("key", SEED_TOOLS)
def test_each_seed_technology_maps_to_capability_domains(key):
    tool = DETECTORS.tools[key]
    assert tool.domains and set(tool.domains) <= set(capability_keys())


def test_every_tool_practice_is_shown_by_a_signal_of_that_practice():
    """A tool said to serve a practice must count for it: the practice lists the tool's signal or a category the
    tool's files fall in."""
    categories: dict[str, set[str]] = {}
    for rules in (*DETECTORS.by_basename.values(), *DETECTORS.by_suffix.values(), DETECTORS.generic):
        for rule in rules:
            categories.setdefault(rule.tool, set()).add(rule.category)
    for pairs in DETECTORS.kinds.values():
        for category, tool in pairs:
            categories.setdefault(tool, set()).add(category)
    for key, tool in DETECTORS.tools.items():
        for practice in tool.practices:
            assert practice in PRACTICES, (key, practice)
            shown_by = {f"files.{c}" for c in categories.get(key, ())} | {tool.signal_key}
            assert shown_by & PRACTICES[practice], (key, practice)


def test_every_cluster_capability_maps_to_a_domain_and_its_practices_list_it():
    for capability in load_catalog().capabilities:
        assert capability.domain in capability_keys()
        for practice in capability.practices:
            assert f"cluster.capability.{capability.name}" in PRACTICES[practice], (capability.name, practice)


# ---- clusters ---------------------------------------------------------------------------------------------


def crd(plural: str, group: str, kind: str) -> dict:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": kind, "plural": plural},
            "scope": "Namespaced",
            "versions": [{"name": "v1", "served": True, "storage": True}],
        },
    }


def namespace(name: str, team: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"team": team}}}


def deployment(name: str, ns: str, *, labels=None, annotations=None, owners=None) -> dict:
    metadata = {"name": name, "namespace": ns, "labels": labels or {}, "annotations": annotations or {}}
    if owners:
        metadata["ownerReferences"] = owners
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata,
        "spec": {"template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": name}]}}},
    }


def read(items: list[dict]) -> tuple[dict, list]:
    signals, skipped = cluster_signals(items, team_label="team", listed=listed_kinds(items))
    return {(s.key, s.namespace): s for s in signals}, skipped


def test_olm_operators_are_named_and_counted_once_each():
    csv = {
        "apiVersion": "operators.coreos.com/v1alpha1",
        "kind": "ClusterServiceVersion",
        "metadata": {"name": "strimzi-cluster-operator.v0.43.0", "namespace": "operators"},
    }
    copy = {**csv, "metadata": {**csv["metadata"], "namespace": "shop", "labels": {"olm.copiedFrom": "operators"}}}
    items = [
        crd("clusterserviceversions", "operators.coreos.com", "ClusterServiceVersion"),
        crd("subscriptions", "operators.coreos.com", "Subscription"),
        namespace("operators", "platform"),
        namespace("shop", "shop"),
        csv,
        copy,
    ]
    signals, _ = read(items)
    assert signals[("cluster.capability.olm", "")].value is True
    assert signals[("cluster.capability.olm", "")].detail["practices"] == ["operators"]
    assert signals[("cluster.olm_operators", "")].value == 1
    assert signals[("cluster.olm_operators", "")].detail["names"] == ["strimzi-cluster-operator.v0.43.0"]


def test_tekton_and_argo_workflows_are_named_and_team_pipelines_counted():
    pipeline = {
        "apiVersion": "tekton.dev/v1",
        "kind": "Pipeline",
        "metadata": {"name": "build-and-push", "namespace": "shop"},
        "spec": {"tasks": [{"name": "build", "taskRef": {"name": "buildah"}}]},
    }
    template = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "nightly-report", "namespace": "shop"},
        "spec": {"entrypoint": "main"},
    }
    items = [
        crd("pipelines", "tekton.dev", "Pipeline"),
        crd("tasks", "tekton.dev", "Task"),
        crd("workflowtemplates", "argoproj.io", "WorkflowTemplate"),
        namespace("shop", "shop"),
        namespace("idle", "shop"),
        pipeline,
        template,
    ]
    signals, _ = read(items)
    assert signals[("cluster.capability.tekton", "")].value is True
    assert signals[("cluster.capability.argo_workflows", "")].value is True
    assert signals[("k8s.pipelines.tekton", "shop")].value == 1
    assert signals[("k8s.pipelines.tekton", "idle")].value == 0
    # The CronWorkflow CRD is not installed, so WorkflowTemplates are every Argo Workflows pipeline there is.
    assert signals[("k8s.pipelines.argo_workflows", "shop")].value == 1


def test_a_pipeline_kind_installed_but_not_in_the_dump_leaves_the_count_unknown():
    items = [crd("pipelines", "tekton.dev", "Pipeline"), namespace("shop", "shop")]
    signals, _ = read(items)
    assert ("k8s.pipelines.tekton", "shop") not in signals


def test_helm_is_named_from_its_release_records_without_reading_their_contents():
    release = {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "helm.sh/release.v1",
        "metadata": {"name": "sh.helm.release.v1.ingress-nginx.v3", "namespace": "ingress", "labels": {"owner": "helm"}},
        "data": {"release": "H4sIAAAAAAAA"},
    }
    items = [namespace("ingress", "platform"), deployment("other", "ingress"), release]
    signals, _ = read(items)
    assert signals[("cluster.capability.helm", "")].value is True
    untyped = {**release, "type": "Opaque"}  # named as Helm names its release records
    assert read([namespace("ingress", "platform"), untyped])[0][("cluster.capability.helm", "")].value is True
    other = {**untyped, "metadata": {**release["metadata"], "name": "ingress-tls"}}
    assert ("cluster.capability.helm", "") not in read([namespace("ingress", "platform"), other])[0]


def test_helm_is_named_from_the_managed_by_label_and_from_a_flux_helm_release():
    labelled = deployment("api", "shop", labels={"app.kubernetes.io/managed-by": "Helm"})
    assert read([namespace("shop", "shop"), labelled])[0][("cluster.capability.helm", "")].value is True
    helm_release = {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": "podinfo", "namespace": "shop"},
        "spec": {"chart": {"spec": {"chart": "podinfo"}}},
    }
    items = [crd("helmreleases", "helm.toolkit.fluxcd.io", "HelmRelease"), namespace("shop", "shop"), helm_release]
    signals, _ = read(items)
    assert signals[("cluster.capability.helm", "")].value is True
    assert signals[("cluster.capability.flux", "")].value is True


def test_no_helm_is_known_only_when_every_workload_was_read():
    plain = [namespace("shop", "shop"), deployment("api", "shop")]
    assert ("cluster.capability.helm", "") not in read(plain)[0]  # StatefulSets and DaemonSets not in the dump
    every_kind = listed_kinds(plain) | {("apps", "StatefulSet"), ("apps", "DaemonSet")}
    signals, _ = cluster_signals(plain, team_label="team", listed=every_kind)
    assert {s.key: s.value for s in signals}["cluster.capability.helm"] is False


def test_keptn_is_named_in_a_cluster():
    items = [crd("keptnworkloads", "lifecycle.keptn.sh", "KeptnWorkload"), namespace("shop", "shop")]
    assert read(items)[0][("cluster.capability.keptn", "")].value is True


def test_network_policies_are_counted_per_namespace():
    policy = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny", "namespace": "shop"},
        "spec": {"podSelector": {}},
    }
    signals, _ = read([namespace("shop", "shop"), policy])
    assert signals[("k8s.network_policies", "shop")].value == 1


@pytest.mark.parametrize(
    ("plural", "group", "kind", "capability", "practice"),
    [
        ("services", "serving.knative.dev", "Service", "knative", "capability_injection"),
        ("clonesets", "apps.kruise.io", "CloneSet", "openkruise", "operators"),
        ("promises", "platform.kratix.io", "Promise", "kratix", "resource_model"),
        ("clusters", "postgresql.cnpg.io", "Cluster", "cloudnativepg", "operators"),
    ],
)
def test_seed_technologies_installed_in_a_cluster_are_named_and_count_for_their_practice(
    plural, group, kind, capability, practice
):
    signals, _ = read([crd(plural, group, kind), namespace("shop", "shop")])
    found = signals[(f"cluster.capability.{capability}", "")]
    assert found.value is True and found.detail["domain"] in capability_keys()
    assert f"cluster.capability.{capability}" in PRACTICES[practice]
