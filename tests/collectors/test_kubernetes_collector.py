"""The Kubernetes collector: a live cluster through the official client against a fake API, and checked dumps."""

import json

import pytest
from kubernetes import client

from collectors.cluster import cluster_signals
from collectors.kubernetes import ClusterReader, KubernetesError, collect_cluster_dump, collect_cluster_live
from collectors.models import CollectionRun, Signal
from collectors.services import cluster_collect
from tests.collectors.fake_kubernetes import FIXTURES, FakeKubernetes


def reader_for(url: str) -> ClusterReader:
    configuration = client.Configuration(host=url)
    configuration.retries = 0
    return ClusterReader(client.ApiClient(configuration), timeout=2)


@pytest.fixture
def fake_kubernetes(httpserver):
    fake = FakeKubernetes()
    fake.url = fake.install(httpserver)
    return fake


def by_namespace(outcome):
    found = {}
    for signal in outcome.signals:
        found.setdefault(signal.namespace or "<cluster>", {})[signal.key] = signal.value
    return found


def test_it_lists_crds_first_and_queries_only_resources_that_exist(fake_kubernetes):
    outcome = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")
    assert fake_kubernetes.requests[0] == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    assert "/apis/platform.acme.io/v1/postgresqlinstances" in fake_kubernetes.requests
    assert not [path for path in fake_kubernetes.requests if "fluxcd" in path or "dapr" in path]
    assert outcome.api_calls == len(fake_kubernetes.requests)
    assert outcome.error is None and outcome.complete
    skipped = {s.what: s.reason for s in outcome.skipped}
    assert skipped["scaledobjects.keda.sh"] == "the cluster does not serve this resource type"

    found = by_namespace(outcome)
    cluster = found["<cluster>"]
    assert cluster["cluster.capability.argocd"] is True
    assert cluster["cluster.capability.crossplane"] is True
    assert cluster["cluster.capability.keda"] is True
    assert cluster["cluster.capability.istio"] is False
    assert cluster["cluster.capability.backstage"] is True
    checkout = found["checkout"]
    assert checkout["k8s.workloads"] == 2
    assert checkout["k8s.gitops_share"] == 0.5
    assert checkout["k8s.injection_share"] == 1.0
    assert checkout["k8s.resources_share"] == round(1 / 3, 3)
    assert (checkout["k8s.network_policies"], checkout["k8s.autoscalers"], checkout["k8s.claims"]) == (1, 1, 1)
    assert found["checkout-jobs"]["k8s.gitops_share"] == 1.0  # the destination of an Argo CD application
    assert found["portal"]["k8s.backstage_share"] == 1.0
    assert "kube-system" not in found
    assert {s.team_slug for s in outcome.signals if s.namespace == "portal"} == {"platform"}


def test_a_forbidden_resource_is_skipped_and_the_rest_collected(fake_kubernetes):
    fake_kubernetes.fail("/apis/networking.k8s.io/v1/networkpolicies", 403)
    outcome = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")
    assert outcome.error is None
    assert "k8s.network_policies" not in by_namespace(outcome)["checkout"]
    assert any("403" in s.reason for s in outcome.skipped if s.what == "network policies")


def test_a_server_error_gives_a_partial_retryable_outcome(fake_kubernetes):
    fake_kubernetes.fail("/apis/apps/v1/deployments", 500)
    outcome = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")
    assert outcome.error is not None and outcome.error.retryable
    assert "500" in str(outcome.error)
    assert by_namespace(outcome)["<cluster>"]["cluster.capability.argocd"] is True
    assert not outcome.complete


def test_malformed_json_is_skipped_with_a_reason(fake_kubernetes):
    fake_kubernetes.fail("/api/v1/namespaces", 200, '{"items": [')
    outcome = collect_cluster_live(reader_for(fake_kubernetes.url), team_label="team")
    reasons = {s.what: s.reason for s in outcome.skipped}
    assert "not valid JSON" in reasons["namespaces"]
    assert "no namespaces were read" in reasons["k8s.*"]


def test_an_unreachable_cluster_is_retryable():
    with pytest.raises(KubernetesError, match="could not be reached") as caught:
        collect_cluster_live(reader_for("http://127.0.0.1:9"), team_label="team")
    assert caught.value.retryable


def dump_bytes() -> bytes:
    items = []
    for name, api_version, kind in [
        ("crds.json", "apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("namespaces.json", "v1", "Namespace"),
        ("deployments.json", "apps/v1", "Deployment"),
        ("claims.json", "platform.acme.io/v1", "PostgreSQLInstance"),
    ]:
        items += [
            {**item, "apiVersion": api_version, "kind": kind} for item in json.loads((FIXTURES / name).read_text())["items"]
        ]
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items}).encode()


def test_a_dump_gives_the_same_kind_of_signals():
    outcome = collect_cluster_dump(dump_bytes(), team_label="team", source="upload x.json", max_bytes=10_000_000)
    found = by_namespace(outcome)
    assert found["checkout"]["k8s.claims"] == 1
    assert found["checkout"]["k8s.network_policies"] == 0  # the full export names no policy: none, not unknown
    assert found["<cluster>"]["cluster.capability.crossplane"] is True


@pytest.mark.django_db
def test_collecting_a_cluster_credits_namespaces_to_their_teams(cluster, app_team, platform_team, tmp_path):
    snapshot = tmp_path / "cluster.json"
    snapshot.write_bytes(dump_bytes())
    cluster.snapshot_path = str(snapshot)
    cluster.save()
    run = cluster_collect(cluster=cluster)
    assert run.status == CollectionRun.Status.OK
    assert Signal.objects.filter(team=app_team, namespace="checkout", key="k8s.claims").get().value == 1
    assert Signal.objects.filter(team=platform_team, key="cluster.capability.crossplane").exists()
    assert any("retired-team" in item["reason"] for item in run.skipped)
    assert app_team.evidence.filter(rule_key="interfaces-claims-in-use").exists()


@pytest.mark.django_db
def test_collecting_a_live_cluster_reads_the_kubeconfig_context(cluster, fake_kubernetes, tmp_path, settings):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "fake", "cluster": {"server": fake_kubernetes.url}}],
                "users": [{"name": "me", "user": {"token": "t"}}],
                "contexts": [{"name": "fake-ctx", "context": {"cluster": "fake", "user": "me"}}],
                "current-context": "fake-ctx",
            }
        )
    )
    settings.KUBECONFIG = str(kubeconfig)
    cluster.kube_context = "fake-ctx"
    cluster.save()
    run = cluster_collect(cluster=cluster)
    assert run.status == CollectionRun.Status.OK
    assert run.api_calls == len(fake_kubernetes.requests)
    cluster.kube_context = "missing-ctx"
    cluster.save()
    failed = cluster_collect(cluster=cluster)
    assert failed.status == CollectionRun.Status.FAILED and "missing-ctx" in failed.error


def test_the_bundled_demo_snapshot_is_a_valid_dump():
    from collectors.demo import SNAPSHOT

    outcome = collect_cluster_dump(SNAPSHOT.read_bytes(), team_label="team", source="demo")
    found = by_namespace(outcome)
    assert found["checkout"]["k8s.claims"] == 1
    assert found["warehouse"]["k8s.resources_share"] == 0.0


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
    ]
    signals, _ = cluster_signals(items, team_label="team", listed={("", "Namespace"), ("apps", "Deployment")})
    assert {s.key: s.value for s in signals}["k8s.workloads"] == 2
