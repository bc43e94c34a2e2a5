"""The bundled evidence rules read normal set-ups right: workloads applied by Helm, Knative or KubeVela are
managed, a GitOps controller's own namespace does not count against its team, pipelines have rules of their
own, OpenKruise workloads are workloads, and a missing file type is evidence only where a rule says so."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from collectors import conf
from collectors.cluster import cluster_signals
from collectors.detect import load_detectors
from collectors.dump import listed_kinds
from collectors.files import file_signals
from collectors.records import SignalRecord
from collectors.rules import RulesFileError, SignalFact, evaluate_team, load_rules, parse_rules

NOW = datetime(2026, 12, 1, tzinfo=UTC)
RULES = load_rules(conf.rules_file())
EVERY_WORKLOAD_KIND = {("apps", "StatefulSet"), ("apps", "DaemonSet")}
READ_WHOLE = EVERY_WORKLOAD_KIND | {("argoproj.io", "Application")}  # as typed lists declare them, even empty


def facts(signals: list[SignalRecord], *, team: str = "", repository_id: int | None = None) -> list[SignalFact]:
    return [
        SignalFact(
            index,
            1,
            s.key,
            s.value,
            NOW,
            read_whole=s.detail.get("read_whole", True) is not False,
            repository_id=repository_id,
        )
        for index, s in enumerate(signals, start=1)
        if not team or s.team_slug == team
    ]


def fired(found: list[SignalFact], *, kind: str = "application", repositories: frozenset[int] | None = None) -> set[str]:
    return {i.rule_key for i in evaluate_team(RULES, found, team_id=1, team_kind=kind, repositories=repositories)}


def namespace(name: str, team: str = "shop") -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": {"team": team}}}


def workload(name: str, ns: str = "shop", *, kind: str = "Deployment", api: str = "apps/v1", **metadata) -> dict:
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": name, "namespace": ns, **metadata},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": f"ghcr.io/shop/{name}:1.0"}]},
            },
        },
    }


def cluster(*items: dict, listed: set | None = None) -> list[SignalRecord]:
    """Signals of a dump holding these objects and Argo CD's Application CRD (so the CRDs and GitOps
    applications count as read), with every built-in workload kind read whole."""
    objects = [APPLICATIONS_CRD, *items]
    signals, _ = cluster_signals(objects, team_label="team", listed=listed or (listed_kinds(objects) | READ_WHOLE))
    return signals


APPLICATIONS_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "applications.argoproj.io"},
    "spec": {
        "group": "argoproj.io",
        "names": {"kind": "Application", "plural": "applications"},
        "scope": "Namespaced",
        "versions": [{"name": "v1alpha1", "served": True, "storage": True}],
    },
}


def value(signals: list[SignalRecord], key: str, ns: str = "shop"):
    return next(s for s in signals if s.key == key and s.namespace == ns)


# ---- managed workloads ------------------------------------------------------------------------------------

HELM_INSTALLED = workload(
    "checkout",
    labels={
        "app.kubernetes.io/name": "checkout",
        "app.kubernetes.io/instance": "checkout",
        "app.kubernetes.io/managed-by": "Helm",
        "helm.sh/chart": "checkout-1.4.2",
    },
    annotations={"meta.helm.sh/release-name": "checkout", "meta.helm.sh/release-namespace": "shop"},
)
KNATIVE_REVISION = workload(
    "checkout-00003-deployment",
    labels={
        "serving.knative.dev/configuration": "checkout",
        "serving.knative.dev/revision": "checkout-00003",
        "serving.knative.dev/service": "checkout",
    },
    ownerReferences=[
        {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Revision",
            "name": "checkout-00003",
            "uid": "6a1b0c6e-0000-4000-8000-000000000003",
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ],
)
KUBEVELA_COMPONENT = workload(
    "checkout",
    labels={
        "app.oam.dev/name": "shop-app",
        "app.oam.dev/component": "checkout",
        "app.oam.dev/appRevision": "shop-app-v4",
        "workload.oam.dev/type": "webservice",
    },
)
BY_HAND = workload("checkout", annotations={"kubectl.kubernetes.io/last-applied-configuration": "{}"})


@pytest.mark.parametrize(
    ("manifest", "manager"),
    [(HELM_INSTALLED, "helm"), (KNATIVE_REVISION, "knative"), (KUBEVELA_COMPONENT, "kubevela")],
    ids=["helm", "knative", "kubevela"],
)
def test_workloads_applied_by_helm_knative_or_kubevela_count_as_managed(manifest, manager):
    signals = cluster(namespace("shop"), manifest)
    share = value(signals, "k8s.managed_share")
    assert share.value == 1.0
    assert share.detail["managed_by"] == {manager: 1}
    outcome = fired(facts(signals, team="shop"))
    assert "adoption-hand-applied-workloads" not in outcome
    assert "adoption-tool-managed-workloads" in outcome


def test_a_workload_applied_by_hand_still_contradicts_level_2():
    signals = cluster(namespace("shop"), BY_HAND)
    assert value(signals, "k8s.managed_share").value == 0.0
    assert "adoption-hand-applied-workloads" in fired(facts(signals, team="shop"))


def test_a_workload_created_by_another_controller_counts_as_managed():
    owned = workload(
        "orders-kafka-exporter",
        ownerReferences=[{"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "Kafka", "name": "orders", "controller": True}],
    )
    share = value(cluster(namespace("shop"), owned), "k8s.managed_share")
    assert share.detail["managed_by"] == {"controller": 1}


def test_a_helm_workload_is_managed_but_not_gitops():
    signals = cluster(namespace("shop"), HELM_INSTALLED)
    assert value(signals, "k8s.gitops_share").value == 0.0  # Helm's release annotations beat the instance label
    assert "adoption-gitops-managed-workloads" not in fired(facts(signals, team="shop"))


# ---- the GitOps controller's own namespace -----------------------------------------------------------------


def argocd_part(name: str, kind: str = "Deployment") -> dict:
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/component": "server", "app.kubernetes.io/part-of": "argocd"}
    return workload(name, "argocd", kind=kind, labels=labels)


def tracked(name: str, ns: str) -> dict:
    return workload(
        name,
        ns,
        labels={"app.kubernetes.io/name": name},
        annotations={"argocd.argoproj.io/tracking-id": f"{ns}:apps/Deployment:{ns}/{name}"},
    )


ARGOCD_INSTALL = [
    argocd_part("argocd-server"),
    argocd_part("argocd-repo-server"),
    argocd_part("argocd-redis"),
    argocd_part("argocd-applicationset-controller"),
    argocd_part("argocd-application-controller", kind="StatefulSet"),
]
APP = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {"name": "guestbook", "namespace": "argocd"},
    "spec": {"destination": {"server": "https://kubernetes.default.svc", "namespace": "elsewhere"}},
}


def test_the_argo_cd_namespace_does_not_count_against_the_team_that_runs_it():
    signals = cluster(
        APP,
        namespace("argocd", "platform"),
        namespace("apps", "platform"),
        *ARGOCD_INSTALL,
        tracked("catalog", "apps"),
    )
    assert value(signals, "k8s.workloads", "argocd").value == 5  # still counted as workloads
    assert not [s for s in signals if s.namespace == "argocd" and s.key in ("k8s.gitops_share", "k8s.managed_share")]
    assert value(signals, "k8s.gitops_share", "apps").value == 1.0
    outcome = fired(facts(signals, team="platform"), kind="platform")
    assert "adoption-gitops-managed-workloads" in outcome
    assert "adoption-hand-applied-workloads" not in outcome


def test_flux_controllers_are_left_out_but_a_hand_applied_neighbour_still_counts():
    flux = {"app.kubernetes.io/part-of": "flux", "app.kubernetes.io/instance": "flux-system", "control-plane": "controller"}
    signals = cluster(
        namespace("flux-system", "platform"),
        workload("source-controller", "flux-system", labels={**flux, "app.kubernetes.io/component": "source-controller"}),
        workload("kustomize-controller", "flux-system", labels={**flux, "app.kubernetes.io/component": "kustomize-controller"}),
        workload("debug-shell", "flux-system"),
    )
    share = value(signals, "k8s.managed_share", "flux-system")
    assert (share.value, share.detail["workloads"], share.detail["controller_workloads"]) == (0.0, 1, 2)


# ---- OpenKruise ---------------------------------------------------------------------------------------------

KRUISE_CRDS = [
    {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.apps.kruise.io"},
        "spec": {
            "group": "apps.kruise.io",
            "names": {"kind": kind, "plural": plural},
            "scope": "Namespaced",
            "versions": [{"name": version, "served": True, "storage": True}],
        },
    }
    for plural, kind, version in (("clonesets", "CloneSet", "v1alpha1"), ("statefulsets", "StatefulSet", "v1beta1"))
]


def test_openkruise_workloads_are_counted_as_workloads():
    clone_set = workload("web", kind="CloneSet", api="apps.kruise.io/v1alpha1", labels={"app.kubernetes.io/managed-by": "Helm"})
    advanced = workload("cache", kind="StatefulSet", api="apps.kruise.io/v1beta1")
    signals = cluster(*KRUISE_CRDS, namespace("shop"), clone_set, advanced, workload("api"))
    assert value(signals, "k8s.workloads").value == 3
    assert value(signals, "k8s.workloads").detail.get("read_whole", True) is True
    assert value(signals, "k8s.managed_share").value == pytest.approx(0.333)


def test_openkruise_workloads_missing_from_the_dump_make_the_count_a_lower_bound():
    objects = [*KRUISE_CRDS, namespace("shop"), workload("api")]
    listed = listed_kinds(objects) | EVERY_WORKLOAD_KIND
    signals, skipped = cluster_signals(objects, team_label="team", listed=listed)
    count = value(signals, "k8s.workloads")
    assert count.value == 1 and count.detail["read_whole"] is False
    assert any("CloneSet (apps.kruise.io)" in s.reason for s in skipped)


# ---- pipelines ----------------------------------------------------------------------------------------------

WORKFLOW = "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: [{uses: actions/checkout@v4}, {run: make test}]\n"
TEKTON_PIPELINE = """\
apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: build}
spec:
  tasks: [{name: build, taskRef: {name: buildah}}]
"""
ARGO_TEMPLATE = "apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata: {name: ci}\nspec: {entrypoint: main}\n"


@pytest.mark.parametrize(
    ("files", "rule"),
    [
        ({".github/workflows/ci.yml": WORKFLOW}, "operations-pipeline-github-actions"),
        ({".gitlab-ci.yml": "test:\n  script: [make test]\n"}, "operations-pipeline-gitlab-ci"),
        (
            {"Jenkinsfile": "pipeline { agent any; stages { stage('test') { steps { sh 'make test' } } } }"},
            "operations-pipeline-jenkins",
        ),
        ({".tekton/build.yaml": TEKTON_PIPELINE}, "operations-pipeline-tekton"),
        ({"ci/workflow-template.yaml": ARGO_TEMPLATE}, "operations-pipeline-argo-workflows"),
    ],
    ids=["github-actions", "gitlab-ci", "jenkins", "tekton", "argo-workflows"],
)
def test_each_pipeline_tool_fires_a_rule_of_its_own(files, rule):
    signals, _ = file_signals([*files, "README.md"], files, load_detectors(), endpoint="test")
    outcome = fired(facts(signals))
    assert rule in outcome
    assert {r for r in outcome if r.startswith("operations-pipeline-")} == {rule}
    levels = {r.key: r.level for r in RULES.rules}
    assert levels[rule] == 2


def test_pipelines_in_team_namespaces_support_level_3_and_the_engine_the_platform_interfaces():
    pipeline_crd = {**KRUISE_CRDS[0], "metadata": {"name": "pipelines.tekton.dev"}}
    pipeline_crd["spec"] = {**pipeline_crd["spec"], "group": "tekton.dev", "names": {"kind": "Pipeline", "plural": "pipelines"}}
    pipeline = {"apiVersion": "tekton.dev/v1", "kind": "Pipeline", "metadata": {"name": "build", "namespace": "shop"}}
    signals = cluster(pipeline_crd, namespace("shop"), pipeline)
    assert "operations-platform-run-pipelines" in fired(facts(signals, team="shop"))
    owner = [s for s in signals if not s.team_slug]
    assert "interfaces-cluster-pipelines" in fired(facts(owner), kind="platform")
    assert "interfaces-cluster-pipelines" not in fired(facts(owner), kind="application")


# ---- absence ------------------------------------------------------------------------------------------------


def repository(paths: dict[str, str], repository_id: int, *, unread: int = 0) -> list[SignalFact]:
    signals, _ = file_signals([*paths, "README.md"], paths, load_detectors(), endpoint="test", unread=unread)
    return facts(signals, repository_id=repository_id)


PLATFORM_REPO = {"terraform/main.tf": "", ".github/workflows/plan.yml": WORKFLOW}


def test_missing_monitoring_counts_only_when_every_repository_of_the_team_was_read():
    scanned = repository(PLATFORM_REPO, 10)
    assert "measurement-no-observability" in fired(scanned, kind="platform", repositories=frozenset({10}))
    # A second repository is registered but not scanned yet: it may hold the monitoring configuration.
    assert "measurement-no-observability" not in fired(scanned, kind="platform", repositories=frozenset({10, 11}))
    # Without knowing the team's repositories, the absence is unknown.
    assert "measurement-no-observability" not in fired(scanned, kind="platform")


def test_a_repository_read_in_part_says_nothing_about_what_is_missing():
    partly = [f if f.key != "files.observability" else replace(f, read_whole=False) for f in repository(PLATFORM_REPO, 10)]
    assert "measurement-no-observability" not in fired(partly, kind="platform", repositories=frozenset({10}))


def test_absence_rules_state_their_reason_and_coverage():
    absence_rules = [r for r in RULES.rules if any(c.operator == "absent" for c in (*r.when, *r.any_of))]
    assert {r.key for r in absence_rules} >= {"interfaces-no-automation", "operations-no-infrastructure-code"}
    for rule in absence_rules:
        assert (
            rule.absence is not None
            and rule.absence.reason
            and rule.absence.covers in ("scanned_repositories", "every_repository")
        )


def rule_with(condition: dict, **extra) -> str:
    rule = {"key": "r", "aspect": "operations", "level": 2, "direction": "contradicts", "explanation": "x"}
    return json.dumps({"version": "v", "rules": [{**rule, "when": [condition], **extra}]})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            rule_with({"signal": "files.iac", "equals": 0, "match": "all"}),
            r"rules\[0\]\.when\[0\]: reads the absence of files\.iac",
        ),
        (rule_with({"signal": "files.ci", "lt": 1}), "reads the absence of files.ci"),
        (
            rule_with({"signal": "files.ci", "absent": True}),
            r"rules\[0\]: has an `absent` condition, so it needs an `absence` entry",
        ),
        (
            rule_with({"signal": "files.ci", "gte": 1}, absence={"covers": "every_repository", "reason": "r"}),
            "no `absent` condition",
        ),
        (
            rule_with({"signal": "files.ci", "absent": True}, absence={"covers": "somewhere", "reason": "r"}),
            r"absence\.covers: 'somewhere' is not one of",
        ),
    ],
)
def test_the_loader_refuses_absence_a_rule_does_not_declare(text, message):
    with pytest.raises(RulesFileError, match=message):
        parse_rules(text)


def test_a_zero_that_is_not_about_files_is_still_an_ordinary_comparison():
    rules = parse_rules(rule_with({"signal": "k8s.network_policies", "equals": 0}))
    found = [SignalFact(1, 1, "k8s.network_policies", 0, NOW)]
    assert [i.rule_key for i in evaluate_team(rules, found, team_id=1, team_kind="platform")] == ["r"]


def test_without_the_gitops_applications_a_low_managed_share_is_only_a_lower_bound():
    objects = [namespace("shop"), BY_HAND]  # no CRDs read: a GitOps application may aim at this namespace
    signals, _ = cluster_signals(objects, team_label="team", listed=listed_kinds(objects) | EVERY_WORKLOAD_KIND)
    assert value(signals, "k8s.managed_share").detail["read_whole"] is False
    assert "adoption-hand-applied-workloads" not in fired(facts(signals, team="shop"))
