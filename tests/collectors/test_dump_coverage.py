"""Dumps as real `kubectl` writes them: a dump is evidence only for the kinds it holds, a dump with nothing usable
is refused, a paged export cut short is not taken as whole, and other encodings and shapes are read or explained."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collectors.dump import DumpError, read_dump
from collectors.kubernetes import collect_cluster_dump
from collectors.models import CollectionRun, Signal
from collectors.selectors import evidence_for_team
from collectors.services import cluster_dump_import
from tests.collectors.fake_kubernetes import BUILTINS, CUSTOM_ITEMS, FIXTURES

TYPED = {fixture: (f"{group}/{version}".lstrip("/"), kind) for group, version, _, kind, _, fixture in BUILTINS}


def kubectl_list(*fixtures, drop=()):
    """What `kubectl get a,b,c -A -o json` prints: one List whose items carry their own apiVersion and kind."""
    items = []
    for name in fixtures:
        for item in json.loads((FIXTURES / name).read_text())["items"]:
            if name in TYPED:
                item = {"apiVersion": TYPED[name][0], "kind": TYPED[name][1], **item}
            if item["metadata"].get("name") not in drop:
                items.append(item)
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


EVERYTHING = [*TYPED, *sorted(set(CUSTOM_ITEMS.values()))]


def dump(document) -> bytes:
    return json.dumps(document, indent=4).encode()


def values(outcome):
    return {(s.namespace, s.key): s.value for s in outcome.signals}


def test_a_full_export_is_a_complete_run():
    outcome = collect_cluster_dump(dump(kubectl_list(*EVERYTHING)), team_label="team", source="x", max_bytes=10**7)
    assert outcome.complete
    found = values(outcome)
    assert found["checkout", "k8s.workloads"] == 4 and found["checkout", "k8s.claims"] == 1
    assert found["checkout", "k8s.gitops_share"] == 0.5 and found["checkout-jobs", "k8s.claims"] == 1
    assert outcome.state["dump"]["lacks"] == []


def test_kinds_a_dump_lacks_are_unknown_never_zero():
    outcome = collect_cluster_dump(
        dump(kubectl_list("crds.json", "namespaces.json", "deployments.json")), team_label="team", source="x", max_bytes=10**7
    )
    assert not outcome.complete
    found = values(outcome)
    assert ("checkout", "k8s.network_policies") not in found and ("checkout", "k8s.autoscalers") not in found
    assert ("checkout", "k8s.claims") not in found and ("checkout", "k8s.gitops_share") not in found
    workloads = next(s for s in outcome.signals if (s.namespace, s.key) == ("checkout", "k8s.workloads"))
    assert workloads.value == 3 and workloads.detail["read_whole"] is False  # no StatefulSets or DaemonSets held
    lacks = outcome.state["dump"]["lacks"]
    assert {"networking.k8s.io/NetworkPolicy", "apps/StatefulSet", "argoproj.io/Application"} <= set(lacks)
    assert any("never zero" in s.reason and "NetworkPolicies" in s.what for s in outcome.skipped)


@pytest.mark.parametrize(
    "document",
    [
        # `kubectl get all -A -o json`: pods, services, deployments, replica sets; no namespaces, no CRDs
        kubectl_list("deployments.json"),
        # a single `kubectl get deployment -o json` in one namespace
        {**kubectl_list("deployments.json"), "items": kubectl_list("deployments.json")["items"][:2]},
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": []},
    ],
    ids=["get-all", "one-namespace", "empty"],
)
def test_a_dump_that_names_no_namespaces_is_refused_and_says_what_it_lacks(document):
    with pytest.raises(DumpError, match="gives no evidence") as caught:
        collect_cluster_dump(dump(document), team_label="team", source="x", max_bytes=10**7)
    assert "Namespaces" in str(caught.value) and "--chunk-size=0" in str(caught.value)


def test_a_paged_export_cut_short_is_not_taken_as_whole():
    document = kubectl_list("crds.json", "namespaces.json", "networkpolicies.json")
    template = {"apiVersion": "apps/v1", "kind": "Deployment"}
    document["items"] += [{**template, "metadata": {"name": f"web-{i}", "namespace": "checkout"}} for i in range(500)]
    outcome = collect_cluster_dump(dump(document), team_label="team", source="x", max_bytes=10**7)
    assert ("checkout", "k8s.workloads") not in values(outcome)
    assert values(outcome)["checkout", "k8s.network_policies"] == 1
    reason = next(s.reason for s in outcome.skipped if s.what == "Deployments")
    assert "multiple of kubectl's page size" in reason and "--chunk-size=0" in reason
    assert not outcome.complete and outcome.state["dump"]["cut"] == ["apps/Deployment"]


def test_a_raw_api_page_with_more_left_is_cut_and_its_items_get_their_kind():
    page = json.loads((FIXTURES / "deployments.json").read_text())
    page["metadata"] = {"resourceVersion": "5129", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", "remainingItemCount": 126}
    parsed = read_dump(json.dumps(page), max_bytes=10**6)
    assert {item["kind"] for item in parsed.items} == {"Deployment"} and parsed.cut == {("apps", "Deployment")}
    whole = read_dump(json.dumps({**page, "metadata": {"resourceVersion": "5129"}, "items": []}), max_bytes=10**6)
    assert whole.declared == {("apps", "Deployment")} and not whole.cut  # an empty typed List still says "none"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_windows_powershell_files_are_read(encoding):
    text = json.dumps(kubectl_list("namespaces.json", "deployments.json"), indent=4).replace("\n", "\r\n")
    outcome = collect_cluster_dump(text.encode(encoding), team_label="team", source="x", max_bytes=10**7)
    assert values(outcome)["checkout", "k8s.workloads"] == 3


@pytest.mark.django_db
def test_after_a_dump_that_lacks_kinds_no_current_signal_drops_to_zero(cluster, app_team, platform_team):
    first = cluster_dump_import(cluster=cluster, data=dump(kubectl_list(*EVERYTHING)), filename="full.json")
    assert first.complete
    evidence = {item.rule_key for item in evidence_for_team(app_team)}
    assert {"interfaces-claims-in-use", "operations-network-policies", "operations-autoscaling"} <= evidence

    partial = kubectl_list("namespaces.json", "deployments.json", "statefulsets.json", "daemonsets.json")
    second = cluster_dump_import(cluster=cluster, data=dump(partial), filename="partial.json")

    assert second.status == CollectionRun.Status.OK and not second.complete
    current = {(s.namespace, s.key): s.value for s in Signal.objects.filter(team=app_team).current()}
    assert current["checkout", "k8s.network_policies"] == 1 and current["checkout", "k8s.claims"] == 1
    assert current["checkout", "k8s.autoscalers"] == 2 and current["checkout", "k8s.gitops_share"] == 0.5
    platform = {s.key: s.value for s in Signal.objects.filter(team=platform_team, namespace="").current()}
    assert platform["cluster.capability.argocd"] is True and platform["cluster.platform_apis"] == 2
    assert {item.rule_key for item in evidence_for_team(app_team)} == evidence


@pytest.mark.django_db
def test_a_refused_dump_changes_nothing(cluster, app_team):
    cluster_dump_import(cluster=cluster, data=dump(kubectl_list(*EVERYTHING)), filename="full.json")
    before = list(Signal.objects.current().values_list("id", flat=True))
    with pytest.raises(DumpError):
        cluster_dump_import(cluster=cluster, data=dump(kubectl_list("deployments.json")), filename="get-all.json")
    assert list(Signal.objects.current().values_list("id", flat=True)) == before
    assert CollectionRun.objects.count() == 1


@pytest.mark.django_db
def test_the_upload_page_says_what_the_dump_held_and_lacked(client, cluster, app_team, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@acme.example", "pw"))
    url = f"/collect/clusters/{cluster.pk}/upload/"

    page = client.get(url)
    assert b"--chunk-size=0" in page.content and b"applications.argoproj.io" in page.content
    assert b"--categories claim" in page.content

    partial = kubectl_list("crds.json", "namespaces.json", "deployments.json")
    reply = client.post(url, {"dump": SimpleUploadedFile("cluster.json", dump(partial))}, follow=True)
    text = reply.content.decode()
    assert "It holds: " in text and "Deployment (6)" in text and "Namespace (6)" in text
    assert "It lacks" in text and "NetworkPolicy" in text

    refused = client.post(url, {"dump": SimpleUploadedFile("all.json", dump(kubectl_list("deployments.json")))})
    assert refused.status_code == 400 and "gives no evidence" in refused.content.decode()


@pytest.mark.django_db
def test_a_share_counted_from_part_of_the_workloads_is_not_read_as_hand_applied(cluster, app_team, platform_team):
    without_sets = [name for name in EVERYTHING if name not in ("statefulsets.json", "daemonsets.json")]
    cluster_dump_import(cluster=cluster, data=dump(kubectl_list(*without_sets)), filename="no-sets.json")
    portal = Signal.objects.filter(team=platform_team, namespace="portal", key="k8s.gitops_share").current().get()
    assert portal.value == 0.0 and portal.detail["read_whole"] is False
    assert "adoption-hand-applied-workloads" not in {item.rule_key for item in evidence_for_team(platform_team)}

    # Read whole, the portal is still not GitOps-managed, but `helm install` applied it: managed, not by hand.
    cluster_dump_import(cluster=cluster, data=dump(kubectl_list(*EVERYTHING)), filename="full.json")
    managed = Signal.objects.filter(team=platform_team, namespace="portal", key="k8s.managed_share").current().get()
    assert managed.value == 1.0 and managed.detail["managed_by"] == {"helm": 1}
    fired = {item.rule_key for item in evidence_for_team(platform_team)}
    assert "adoption-hand-applied-workloads" not in fired and "adoption-tool-managed-workloads" in fired


def test_the_documented_export_command_reads_everything_the_rules_read():
    from django.conf import settings

    from collectors.cluster import load_catalog
    from collectors.dump import how_to_export

    readme = (settings.BASE_DIR / "README.md").read_text()
    command = how_to_export()
    for resource in load_catalog().resources:
        assert f"-e {resource.crd}" in command and resource.crd in readme
    for part in ("--chunk-size=0", "--categories claim", "--categories composite --namespaced=true", "-o json"):
        assert part in command and part in readme
