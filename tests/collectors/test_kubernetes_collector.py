"""The Kubernetes collector against a fake kube-apiserver: what it reads, how it pages, and the signals it derives."""

import json

import pytest
from kubernetes import client
from pytest_httpserver import HTTPServer

from collectors.cluster import cluster_signals
from collectors.kubernetes import METADATA_ONLY, ClusterReader, collect_cluster_live
from collectors.models import CollectionRun
from collectors.services import cluster_collect
from tests.collectors.fake_kubernetes import FakeKubernetes

CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"


def reader_for(url: str, *, timeout: float = 3, page_size: int = 500, configuration=None) -> ClusterReader:
    return ClusterReader(client.ApiClient(configuration or client.Configuration(host=url)), timeout=timeout, page_size=page_size)


@pytest.fixture
def fake_kubernetes():
    server = HTTPServer(threaded=True)
    server.start()
    fake = FakeKubernetes()
    fake.url = fake.install(server)
    yield fake
    server.clear()
    server.stop()


def by_namespace(outcome):
    found = {}
    for signal in outcome.signals:
        found.setdefault(signal.namespace or "<cluster>", {})[signal.key] = signal.value
    return found


def test_it_reads_crds_as_metadata_then_discovers_versions_and_reads_only_what_exists(fake_kubernetes):
    outcome = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")

    assert fake_kubernetes.requests[:3] == [CRDS, "/apis", "/apis/apiextensions.crossplane.io/v2/compositeresourcedefinitions"]
    assert fake_kubernetes.accepts[0] == METADATA_ONLY["Accept"]
    assert "/apis/platform.acme.io/v1/postgresqlinstances" in fake_kubernetes.requests  # the claim its XRD offers
    assert "/apis/storage.acme.io/v1alpha1/buckets" in fake_kubernetes.requests  # a Crossplane v2 namespaced composite
    assert "/apis/platform.acme.io/v1/xpostgresqlinstances" not in fake_kubernetes.requests  # cluster-scoped composite
    assert not [path for path in fake_kubernetes.requests if "fluxcd" in path or "dapr" in path]
    assert all(
        query.get("limit")
        for path, query in zip(fake_kubernetes.requests, fake_kubernetes.queries, strict=True)
        if path != "/apis"
    )
    assert outcome.api_calls == len(fake_kubernetes.requests)
    assert outcome.error is None and outcome.complete

    found = by_namespace(outcome)
    cluster = found["<cluster>"]
    assert (cluster["cluster.capability.argocd"], cluster["cluster.capability.crossplane"]) == (True, True)
    assert (cluster["cluster.capability.keda"], cluster["cluster.capability.istio"]) == (True, False)
    assert cluster["cluster.capability.backstage"] is True
    assert cluster["cluster.platform_apis"] == 2
    checkout = found["checkout"]
    assert checkout["k8s.workloads"] == 4  # three Deployments and a StatefulSet
    # Argo CD's label, and Argo CD 2.x's app.kubernetes.io/instance; an Application aimed at another cluster's
    # "checkout" namespace does not make this one managed.
    assert checkout["k8s.gitops_share"] == 0.5
    assert checkout["k8s.injection_share"] == 0.75  # istio by namespace, but checkout-batch opts out
    assert checkout["k8s.resources_share"] == 0.6
    assert checkout["k8s.autoscalers"] == 2  # the KEDA ScaledObject and its own HPA count once
    assert (checkout["k8s.network_policies"], checkout["k8s.claims"]) == (1, 1)
    assert found["checkout-jobs"]["k8s.gitops_share"] == 1.0  # the destination of a local Argo CD application
    assert found["checkout-jobs"]["k8s.claims"] == 1  # the namespaced composite
    assert found["portal"]["k8s.backstage_share"] == 1.0
    assert found["portal"]["k8s.gitops_share"] == 0.0  # installed by `helm install`, which also sets the instance label
    assert "kube-system" not in found and "not-here" not in found
    assert not [s for s in outcome.skipped if "not-here" in s.reason]
    assert {s.team_slug for s in outcome.signals if s.namespace == "portal"} == {"platform"}


def test_it_pages_every_list_and_counts_every_request(fake_kubernetes):
    whole = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")
    fake_kubernetes.requests.clear()
    fake_kubernetes.queries.clear()

    paged = collect_cluster_live(reader_for(fake_kubernetes.url, page_size=2), team_label="team")

    deployments = [
        q for p, q in zip(fake_kubernetes.requests, fake_kubernetes.queries, strict=True) if p == "/apis/apps/v1/deployments"
    ]
    assert len(deployments) == 3 and deployments[0].get("continue") is None and deployments[1]["continue"]
    assert paged.api_calls == len(fake_kubernetes.requests) > whole.api_calls
    assert by_namespace(paged) == by_namespace(whole) and paged.complete


def test_hundreds_of_crds_are_read_as_names_over_a_few_pages(fake_kubernetes):
    template = fake_kubernetes.crds[0]
    schema = {"type": "object", "properties": {f"field{i}": {"type": "string", "description": "x" * 200} for i in range(40)}}
    extra = []
    for i in range(757):
        crd = json.loads(json.dumps(template))
        crd["metadata"]["name"] = f"widgets{i}.vendor{i % 90}.example"
        crd["spec"]["group"] = f"vendor{i % 90}.example"
        crd["spec"]["names"]["plural"] = f"widgets{i}"
        crd["spec"]["versions"][0]["schema"] = {"openAPIV3Schema": schema}
        extra.append(crd)
    fake_kubernetes.crds.extend(extra)

    outcome = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")

    assert fake_kubernetes.requests.count(CRDS) == 2  # 766 CRDs in pages of 500
    assert by_namespace(outcome)["<cluster>"]["cluster.capability.argocd"] is True
    assert outcome.complete


@pytest.mark.django_db
def test_collecting_a_live_cluster_reads_the_kubeconfig_context(cluster, fake_kubernetes, tmp_path, settings):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": fake_kubernetes.url}}],
                "users": [{"name": "me", "user": {"token": "t0ken"}}],
                "contexts": [{"name": "fake-ctx", "context": {"cluster": "fake", "user": "me"}}],
                "current-context": "fake-ctx",
            }
        )
    )
    fake_kubernetes.token = "t0ken"
    settings.KUBECONFIG = str(kubeconfig)
    cluster.kube_context = "fake-ctx"
    cluster.save()
    run = cluster_collect(cluster=cluster)
    assert run.status == CollectionRun.Status.OK and run.complete
    assert run.api_calls == len(fake_kubernetes.requests)
    cluster.kube_context = "missing-ctx"
    cluster.save()
    failed = cluster_collect(cluster=cluster)
    assert failed.status == CollectionRun.Status.FAILED and "missing-ctx" in failed.error


def test_signals_from_objects_of_odd_shapes_do_not_fail():
    items = [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": "a"}, "spec": {"template": []}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "labels": {"team": "x"}}},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"namespace": "a"},
            "spec": {"template": {"spec": {"containers": "x"}}},
        },
        {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "spec": {"destination": "elsewhere"}},
        {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"namespace": "a"}, "spec": []},
    ]
    listed = {("", "Namespace"), ("apps", "Deployment"), ("autoscaling", "HorizontalPodAutoscaler")}
    signals, _ = cluster_signals(items, team_label="team", listed=listed)
    values = {s.key: s.value for s in signals}
    assert values["k8s.workloads"] == 2 and values["k8s.autoscalers"] == 1
