"""The local git collector on repositories built in tmp_path: checkouts, bare repositories, empty and missing ones."""

import subprocess

import pytest

from assessor.models import Repository
from collectors.git import GitError, LocalRepository, collect_local
from collectors.localpaths import shown_path
from collectors.models import CollectionRun, Signal
from collectors.services import repository_collect
from tests.collectors.conftest import NOW, Change

PLATFORM_FILES = {
    "argocd/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: api}\n",
    "terraform/main.tf": "terraform {}\n",
    "CODEOWNERS": "* @acme/platform\n",
    ".github/workflows/ci.yml": "on: push\n",
    "charts/api/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
}


def history():
    changes = [Change("Priya <priya@acme.example>", 100, PLATFORM_FILES, "Initial")]
    changes += [Change("Priya <priya@acme.example>", 60 - i, {f"notes/{i}.md": "x"}) for i in range(6)]
    changes += [Change("Emma <emma@acme.example>", 20 - i, {f"contrib/{i}.md": "y"}) for i in range(3)]
    return changes


def values(outcome):
    return {s.key: s.value for s in outcome.signals}


def test_it_reads_files_history_and_tags_from_a_checkout(make_repo):
    path = make_repo(history(), tags=[("v1.0.0", 30), ("v1.1.0", 5)])
    outcome = collect_local(path, now=NOW, member_emails=["priya@acme.example"])
    got = values(outcome)
    assert outcome.error is None and outcome.complete
    assert got["files.gitops"] == 1
    assert got["files.iac"] == 1  # the Helm template is not valid YAML: read without error, it adds no category
    assert got["files.total"] == 5 + 9
    assert got["ownership.codeowners_team"] is True
    assert got["history.outside_share"] == 0.3
    assert got["history.ci_staleness_days"] == 100
    assert got["history.tags_180d"] == 2
    assert got["delivery.basis"] == "tags"
    assert outcome.state["head_sha"]


def test_it_scans_a_bare_repository(make_repo, tmp_path):
    source = make_repo(history())
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(source), str(bare)], check=True)
    got = values(collect_local(bare, now=NOW, member_emails=[]))
    assert got["files.gitops"] == 1
    assert got["history.commits_90d"] == 9  # the initial commit is 100 days old


def test_it_says_an_empty_repository_has_nothing_yet(make_repo):
    outcome = collect_local(make_repo([]), now=NOW)
    assert outcome.signals == ()
    assert outcome.skipped[0].reason == "the repository has no commits yet"


def test_it_refuses_a_path_that_is_not_a_repository(tmp_path):
    with pytest.raises(GitError, match="not a git repository") as caught:
        collect_local(tmp_path, now=NOW)
    assert caught.value.retryable is False
    with pytest.raises(GitError, match="no directory"):
        collect_local(tmp_path / "missing", now=NOW)


def test_a_git_timeout_is_retryable(make_repo):
    repo = LocalRepository(make_repo(history()), timeout=0.000001)
    with pytest.raises(GitError) as caught:
        repo.log()
    assert caught.value.retryable


def test_it_reads_unusual_file_names_unquoted(make_repo):
    path = make_repo([Change("A <a@x>", 1, {"déploiement/Jenkinsfile": "pipeline {}\n", "with space/main.tf": "x"})])
    got = values(collect_local(path, now=NOW))
    assert got["files.ci"] == 1
    assert got["files.iac"] == 1


@pytest.mark.django_db
def test_collecting_a_repository_records_the_run_signals_and_evidence(
    make_repo, platform_team, django_capture_on_commit_callbacks
):
    path = make_repo(history())
    repository = Repository.objects.create(team=platform_team, name="platform", local_path=str(path), is_platform_repo=True)
    with django_capture_on_commit_callbacks() as callbacks:
        (run,) = repository_collect(repository=repository)
    assert run.status == CollectionRun.Status.OK
    assert run.complete and run.finished_at and run.signal_count == run.signals.count() > 20
    signal = run.signals.get(key="files.gitops")
    assert (signal.team, signal.repository, signal.collector) == (platform_team, repository, "git")
    assert signal.source_url == shown_path(path)
    assert not signal.source_url.startswith("/")
    assert signal.endpoint and signal.subject == "platform"
    assert platform_team.evidence.filter(rule_key="operations-gitops-and-iac").exists()
    assert platform_team.evidence.get(rule_key="adoption-outside-commits").signals.get().key == "history.outside_share"
    assert callbacks, "a rescore was requested after the evidence changed"


@pytest.mark.django_db
def test_a_failed_run_keeps_the_earlier_signals(make_repo, platform_team):
    path = make_repo(history())
    repository = Repository.objects.create(team=platform_team, name="platform", local_path=str(path))
    (first,) = repository_collect(repository=repository)
    before = set(Signal.objects.values_list("id", "value"))
    repository.local_path = str(path / "gone")
    repository.save()
    (failed,) = repository_collect(repository=repository)
    assert failed.status == CollectionRun.Status.FAILED
    assert "no directory" in failed.error and not failed.retryable
    assert set(Signal.objects.values_list("id", "value")) == before
    current = {s.key: s.run_id for s in Signal.objects.current()}
    assert set(current.values()) == {first.pk}
