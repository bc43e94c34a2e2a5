"""The Kubernetes collector when the API answers as it really does under load, RBAC and misconfiguration: what is
not read stays unknown (never zero), every request is bounded and counted, and messages say what to do."""

import ssl
import time

import pytest
from kubernetes import client
from pytest_httpserver import HTTPServer

from collectors.kubernetes import KubernetesError, collect_cluster_live
from collectors.models import CollectionRun, Signal
from collectors.selectors import evidence_for_team
from collectors.services import cluster_collect
from tests.collectors.fake_kubernetes import FakeKubernetes, certificate_pair
from tests.collectors.test_kubernetes_collector import CRDS, by_namespace, reader_for

APPLICATIONS = "/apis/argoproj.io/v1alpha1/applications"
DEPLOYMENTS = "/apis/apps/v1/deployments"


@pytest.fixture
def fake_kubernetes():
    server = HTTPServer(threaded=True)
    server.start()
    fake = FakeKubernetes()
    fake.url = fake.install(server)
    yield fake
    server.clear()
    server.stop()


def collect(fake, **options):
    return collect_cluster_live(reader_for(fake.url, **options), team_label="team")


def skipped(outcome):
    return {s.what: s.reason for s in outcome.skipped}


def test_a_forbidden_custom_resource_list_leaves_its_signals_unknown_and_the_run_incomplete(fake_kubernetes):
    fake_kubernetes.forbid(APPLICATIONS)
    outcome = collect(fake_kubernetes)
    assert outcome.error is None and not outcome.complete
    reason = skipped(outcome)["argoproj.io/v1alpha1 applications"]
    assert "403 Forbidden" in reason and 'cannot list resource "applications"' in reason and "Grant it list" in reason
    checkout = by_namespace(outcome)["checkout"]
    assert "k8s.gitops_share" not in checkout  # unknown, not zero
    assert checkout["k8s.claims"] == 1 and checkout["k8s.workloads"] == 4


def test_a_404_on_the_crd_list_does_not_report_every_capability_absent(fake_kubernetes):
    fake_kubernetes.fail(CRDS, 404)
    outcome = collect(fake_kubernetes)
    cluster = {s.key: (s.value, s.detail.get("read_whole", True)) for s in outcome.signals if not s.namespace}
    # Backstage and Helm are seen on workloads; absent capabilities are unknown, so the count is only a lower bound.
    assert cluster == {
        "cluster.capability.backstage": (True, True),
        "cluster.capability.helm": (True, True),
        "cluster.capabilities": (2, False),
    }
    assert not outcome.complete
    assert "k8s.claims" not in by_namespace(outcome)["checkout"]
    assert "unknown" in skipped(outcome)["custom resources"]


def test_an_unserved_group_is_skipped_with_its_reason(fake_kubernetes):
    fake_kubernetes.unserve("keda.sh")
    outcome = collect(fake_kubernetes)
    assert "does not serve its API group" in skipped(outcome)["scaledobjects.keda.sh"]
    assert not outcome.complete
    assert by_namespace(outcome)["checkout"]["k8s.autoscalers"] == 2  # KEDA's own HPA still shows the target


def test_failed_discovery_leaves_the_custom_resources_unknown(fake_kubernetes):
    fake_kubernetes.fail("/apis", 500)
    outcome = collect(fake_kubernetes)
    assert outcome.error is not None and outcome.error.retryable and not outcome.complete
    assert "500" in skipped(outcome)["the API groups (discovery)"]
    assert "could not be discovered" in skipped(outcome)["applications.argoproj.io"]
    found = by_namespace(outcome)
    assert found["<cluster>"]["cluster.capability.argocd"] is True and "cluster.platform_apis" not in found["<cluster>"]
    assert "k8s.gitops_share" not in found["checkout"] and "k8s.claims" not in found["checkout"]
    assert found["checkout"]["k8s.workloads"] == 4


def test_a_500_once_and_a_429_once_are_retried_within_the_call_and_counted(fake_kubernetes):
    fake_kubernetes.fail(APPLICATIONS, 500, times=1)
    fake_kubernetes.fail(DEPLOYMENTS, 429, times=1, headers={"Retry-After": "1"})
    started = time.monotonic()
    outcome = collect(fake_kubernetes)
    assert outcome.error is None and outcome.complete
    assert fake_kubernetes.requests.count(APPLICATIONS) == 2 and fake_kubernetes.requests.count(DEPLOYMENTS) == 2
    assert outcome.api_calls == len(fake_kubernetes.requests)
    assert time.monotonic() - started >= 1  # Retry-After was honoured
    assert by_namespace(outcome)["checkout"]["k8s.gitops_share"] == 0.5


def test_a_lasting_500_gives_a_partial_retryable_run_without_the_signals_it_feeds(fake_kubernetes):
    fake_kubernetes.fail(APPLICATIONS, 500)
    outcome = collect(fake_kubernetes)
    assert outcome.error is not None and outcome.error.retryable and "500" in str(outcome.error)
    assert not outcome.complete
    found = by_namespace(outcome)
    assert "k8s.gitops_share" not in found["checkout"] and found["checkout"]["k8s.claims"] == 1
    assert found["<cluster>"]["cluster.platform_apis"] == 2


def test_an_expired_continue_token_restarts_the_list_once(fake_kubernetes):
    fake_kubernetes.expire_continue[DEPLOYMENTS] = 1
    outcome = collect(fake_kubernetes, page_size=4)
    assert outcome.complete and by_namespace(outcome)["checkout"]["k8s.workloads"] == 4
    assert fake_kubernetes.requests.count(DEPLOYMENTS) == 4  # page 1, expired page 2, then pages 1 and 2 again


def test_a_list_that_keeps_expiring_is_not_taken_as_whole(fake_kubernetes):
    fake_kubernetes.expire_continue[DEPLOYMENTS] = 2
    outcome = collect(fake_kubernetes, page_size=4)
    assert "Expired" not in skipped(outcome) and "too old" in skipped(outcome)["deployments (pages 2-)"]
    assert "k8s.workloads" not in by_namespace(outcome)["checkout"]  # 4 of 6 read: not a count
    assert not outcome.complete


def test_a_dripping_body_is_cut_off_at_the_timeout(fake_kubernetes):
    fake_kubernetes.drip(DEPLOYMENTS, chunks=40, every=0.1)
    started = time.monotonic()
    outcome = collect(fake_kubernetes, timeout=1)
    assert time.monotonic() - started < 3.5  # a 1 s bound per call, not 4 s of dripping
    assert outcome.error is not None and outcome.error.retryable and "within 1 s" in str(outcome.error)
    assert "not read: the cluster stopped answering" in skipped(outcome)["network policies"]
    assert "k8s.workloads" not in by_namespace(outcome).get("checkout", {})


def test_a_slow_answer_is_one_bounded_request_not_three_retries():
    server = HTTPServer(threaded=True)
    server.start()
    try:
        fake = FakeKubernetes()
        url = fake.install(server)
        fake.stall(CRDS, 3)
        configuration = client.Configuration(host=url)  # the client's default: urllib3 retries
        started = time.monotonic()
        with pytest.raises(KubernetesError, match="did not answer within 1 s") as caught:
            collect_cluster_live(reader_for(url, timeout=1, configuration=configuration), team_label="team")
        assert time.monotonic() - started < 2.5
        assert caught.value.retryable and fake.requests == [CRDS]
    finally:
        server.clear()
        server.stop()


def test_an_expired_token_says_to_renew_it_and_is_not_retried(fake_kubernetes):
    fake_kubernetes.token = "fresh"
    configuration = client.Configuration(host=fake_kubernetes.url, api_key={"BearerToken": "stale"})
    configuration.api_key_prefix = {"BearerToken": "Bearer"}
    with pytest.raises(KubernetesError, match=r"token has expired or was revoked\. Renew it") as caught:
        collect_cluster_live(reader_for(fake_kubernetes.url, configuration=configuration), team_label="team")
    assert not caught.value.retryable and "permission" not in str(caught.value)
    assert len(fake_kubernetes.requests) == 1


def test_a_wrong_ca_is_called_an_untrusted_certificate_and_is_not_retried(tmp_path):
    certificate, key, other_ca = certificate_pair(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server = HTTPServer(threaded=True, ssl_context=context)
    server.start()
    try:
        FakeKubernetes().install(server)
        configuration = client.Configuration(host=server.url_for("/").rstrip("/"))
        configuration.ssl_ca_cert = str(other_ca)
        with pytest.raises(KubernetesError, match="certificate could not be verified") as caught:
            collect_cluster_live(reader_for("", configuration=configuration), team_label="team")
        assert not caught.value.retryable and "unreachable" not in str(caught.value)
    finally:
        server.clear()
        server.stop()


def test_an_unreachable_cluster_is_retryable():
    with pytest.raises(KubernetesError, match="could not be reached") as caught:
        collect_cluster_live(reader_for("http://127.0.0.1:9"), team_label="team")
    assert caught.value.retryable


def test_malformed_json_is_skipped_with_a_reason(fake_kubernetes):
    fake_kubernetes.raw("/api/v1/namespaces", 200, '{"items": [')
    outcome = collect(fake_kubernetes)
    reasons = skipped(outcome)
    assert "not valid JSON" in reasons["namespaces"]
    assert "no namespaces were read" in reasons["k8s.*"]
    assert not outcome.complete


@pytest.fixture
def live_cluster(cluster, fake_kubernetes, monkeypatch):
    """The test cluster collected live from the fake through the service."""
    from collectors import services

    monkeypatch.setattr(
        services, "api_client_for", lambda context: client.ApiClient(client.Configuration(host=fake_kubernetes.url))
    )
    cluster.kube_context = "fake"
    cluster.save()
    return cluster


def current(team, key, namespace=""):
    rows = Signal.objects.filter(team=team, key=key, namespace=namespace).current()
    return [row.value for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fault", "kept"),
    [
        ("500 on applications", ["k8s.gitops_share"]),
        ("403 on applications", ["k8s.gitops_share"]),
        ("404 on the CRDs", ["k8s.claims", "k8s.gitops_share"]),
        ("403 on deployments", ["k8s.workloads", "k8s.gitops_share", "k8s.resources_share"]),
    ],
)
def test_after_a_partial_run_no_current_signal_drops_to_zero(live_cluster, fake_kubernetes, app_team, platform_team, fault, kept):
    first = cluster_collect(cluster=live_cluster, raise_retryable=False)
    assert first.status == CollectionRun.Status.OK and first.complete
    before = {key: current(app_team, key, "checkout") for key in kept}
    capabilities = current(platform_team, "cluster.capability.argocd")
    evidence = {item.rule_key for item in evidence_for_team(app_team)}
    assert {"interfaces-claims-in-use", "operations-network-policies"} <= evidence

    {
        "500 on applications": lambda: fake_kubernetes.fail(APPLICATIONS, 500),
        "403 on applications": lambda: fake_kubernetes.forbid(APPLICATIONS),
        "404 on the CRDs": lambda: fake_kubernetes.fail(CRDS, 404),
        "403 on deployments": lambda: fake_kubernetes.forbid(DEPLOYMENTS),
    }[fault]()
    second = cluster_collect(cluster=live_cluster, raise_retryable=False)

    assert not second.complete and second.status in (CollectionRun.Status.OK, CollectionRun.Status.PARTIAL)
    assert second.api_calls == len(fake_kubernetes.requests) - first.api_calls
    assert {key: current(app_team, key, "checkout") for key in kept} == before
    assert current(platform_team, "cluster.capability.argocd") == capabilities == [True]
    assert {item.rule_key for item in evidence_for_team(app_team)} == evidence
    assert "adoption-hand-applied-workloads" not in evidence
