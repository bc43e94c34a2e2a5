"""Classifying repository files by path and by the apiVersion/kind of their YAML documents."""

from hypothesis import given, settings
from hypothesis import strategies as st

from collectors.detect import load_detectors, parse_codeowners, parse_manifests
from collectors.files import blobs_wanted, file_signals

DETECTORS = load_detectors()


def categories(path: str) -> set[tuple[str, str]]:
    return {(d.category, d.tool) for d in DETECTORS.classify_path(path)}


def test_it_recognises_ci_iac_and_community_files_by_path():
    assert categories(".github/workflows/deploy.yaml") == {("ci", "github-actions")}
    assert categories(".gitlab-ci.yml") == {("ci", "gitlab-ci")}
    assert categories("services/api/Jenkinsfile") == {("ci", "jenkins")}
    assert categories("infra/modules/net/main.tf") == {("iac", "terraform")}
    assert categories("charts/api/Chart.yaml") == {("iac", "helm")}
    assert categories("overlays/prod/kustomization.yaml") == {("iac", "kustomize")}
    assert categories(".github/CODEOWNERS") == {("codeowners", "codeowners")}
    assert categories("renovate.json") == {("dependency_automation", "renovate")}
    assert categories(".github/ISSUE_TEMPLATE/bug.yml") == {("issue_forms", "github-issue-form")}
    assert categories("CONTRIBUTING.md") == {("contributing", "contributing-guide")}


def test_it_does_not_let_a_star_cross_directories():
    assert categories(".github/workflows/nested/ci.yml") == set()
    assert categories("src/CODEOWNERS") == set()
    assert categories("notes/Chart.yaml.bak") == set()


def test_it_reads_every_document_of_a_multi_document_file():
    text = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: api}
---
apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata: {name: xdb}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: labels}
"""
    found = {(d.category, d.tool) for m in parse_manifests(text) for d in DETECTORS.classify_manifest(m, "x.yaml")}
    assert found == {("gitops", "argocd"), ("platform_api", "crossplane"), ("policy", "kyverno")}


def test_it_reads_kinds_from_helm_templates_that_are_not_valid_yaml():
    text = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: {{ include "app.fullname" . }}
spec:
  replicas: {{ .Values.replicas }}
  {{- if .Values.canary }}
  strategy: {canary: {}}
  {{- end }}
"""
    manifests = parse_manifests(text)
    assert [(m.group, m.kind) for m in manifests] == [("argoproj.io", "Rollout")]


def test_it_recognises_claims_and_injection_annotations():
    claim = "apiVersion: platform.acme.io/v1\nkind: Database\nspec:\n  compositionSelector: {matchLabels: {a: b}}\n"
    deployment = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata:
      annotations: {dapr.io/enabled: "true"}
"""
    opted_out = deployment.replace('"true"', '"false"')
    assert ("claims", "crossplane") in {(d.category, d.tool) for d in DETECTORS.classify_manifest(parse_manifests(claim)[0], "c")}
    assert [d.tool for d in DETECTORS.classify_manifest(parse_manifests(deployment)[0], "d")] == ["dapr"]
    assert DETECTORS.classify_manifest(parse_manifests(opted_out)[0], "d") == []


def test_it_refuses_yaml_aliases_and_tags_without_failing():
    assert parse_manifests("a: &x [1]\nb: *x\n") == []
    assert parse_manifests("!!python/object:os.system {}\n") == []


def test_it_tells_team_owners_from_people_in_codeowners():
    owners = parse_codeowners("# owners\n* @acme/platform\n/docs/ @jane docs@acme.example\n[Section]\n/no-owner\n")
    assert owners.rules == 2
    assert owners.team_owners == ("@acme/platform",)
    assert owners.person_owners == ("@jane", "docs@acme.example")


def test_it_reads_codeowners_and_catalog_entries_before_other_yaml():
    paths = ["z/deploy.yaml", "catalog-info.yaml", "CODEOWNERS", ".github/workflows/ci.yml", "argocd/app.yaml", "misc/x.yml"]
    assert blobs_wanted(paths, DETECTORS) == ["CODEOWNERS", "catalog-info.yaml", "argocd/app.yaml", "z/deploy.yaml", "misc/x.yml"]
    assert blobs_wanted(paths, DETECTORS, limit=2) == ["CODEOWNERS", "catalog-info.yaml"]


def test_it_counts_every_category_and_says_zero_when_absent():
    signals, _ = file_signals(
        ["terraform/main.tf", "terraform/vars.tf", "CODEOWNERS"], {"CODEOWNERS": "* @jane\n"}, DETECTORS, endpoint="test"
    )
    values = {s.key: s.value for s in signals}
    assert values["files.iac"] == 2
    assert values["files.gitops"] == 0
    assert values["files.total"] == 3
    assert values["ownership.codeowners_team"] is False
    assert "catalog.owner_declared" not in values


def test_it_leaves_ownership_unknown_when_codeowners_was_not_read():
    signals, skipped = file_signals(["CODEOWNERS"], {}, DETECTORS, endpoint="test")
    assert "ownership.codeowners_team" not in {s.key for s in signals}
    assert skipped[0].what == "ownership.codeowners_team"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_it_never_fails_on_hostile_yaml_text(text):
    for manifest in parse_manifests(text):
        DETECTORS.classify_manifest(manifest, "file.yaml")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet="abc./-_*?[]{}ymlYAMLtfCODEOWNERS", max_size=40), max_size=20))
def test_it_never_fails_on_odd_paths(paths):
    for path in paths:
        DETECTORS.classify_path(path)
    file_signals(paths, {}, DETECTORS, endpoint="test")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="{}[]:,-&*!|>'\"# \n\tapiVersionkd/.1{{}}%", max_size=400))
def test_it_never_fails_on_yaml_shaped_noise(text):
    for manifest in parse_manifests(text):
        DETECTORS.classify_manifest(manifest, "file.yaml")


def test_a_manifest_with_an_impossible_date_still_names_its_kind():
    manifests = parse_manifests("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n    built: 2001-13-45\n")
    assert [(manifest.group, manifest.kind) for manifest in manifests] == [("apps", "Deployment")]
