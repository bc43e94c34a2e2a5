"""Celery tasks: one per source, fanned out per organization, retried only when the failure is retryable."""

import json

import pytest

from assessor.models import Repository
from collectors.github import GitHubError
from collectors.models import CollectionRun
from collectors.tasks import collect_cluster, collect_organization, collect_repository

pytestmark = pytest.mark.django_db


def test_a_retryable_failure_is_retried_with_backoff_then_given_up(github_repo, fake_github, monkeypatch):
    monkeypatch.setitem(collect_repository.app.conf, "task_eager_propagates", False)  # eager retries run at once
    fake_github.fail("/repos/northwind/platform-config", 502)
    result = collect_repository.delay(github_repo.pk)
    assert isinstance(result.result, GitHubError)
    runs = CollectionRun.objects.filter(repository=github_repo)
    assert runs.count() == 1 + collect_repository.max_retries
    assert set(runs.values_list("status", flat=True)) == {CollectionRun.Status.FAILED}
    assert set(runs.values_list("trigger", flat=True)) == {"manual", "retry"}


def test_a_permanent_failure_is_not_retried(platform_team, tmp_path):
    repository = Repository.objects.create(team=platform_team, name="gone", local_path=str(tmp_path / "missing"))
    result = collect_repository.delay(repository.pk).get()
    assert result == [{"run": CollectionRun.objects.get().pk, "status": "failed", "signals": 0}]


def test_the_organization_task_fans_out_one_task_per_source(org, platform_team, make_repo, cluster, tmp_path):
    from tests.collectors.conftest import Change

    for number in range(2):
        path = make_repo([Change("A <a@x>", 1, {"main.tf": "x"})])
        Repository.objects.create(team=platform_team, name=f"r{number}", local_path=str(path))
    snapshot = tmp_path / "snapshot.json"
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "checkout", "labels": {"team": "checkout"}}}
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "checkout"}}
    snapshot.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [namespace, deployment]}))
    cluster.snapshot_path = str(snapshot)
    cluster.save()
    assert collect_organization.delay(org.pk).get() == 3
    assert CollectionRun.objects.filter(trigger="schedule", status="ok").count() == 3


def test_tasks_for_deleted_sources_do_nothing(db):
    assert collect_repository.delay(999).get() == []
    assert collect_cluster.delay(999).get() == []


def test_a_rate_limit_is_retried_after_it_resets(github_repo, fake_github):
    from celery.exceptions import Retry

    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999"}
    fake_github.fail("/repos/", 403, {"message": "API rate limit exceeded"}, headers)
    with pytest.raises(Retry) as caught:  # eager mode with propagation shows the first retry decision
        collect_repository.delay(github_repo.pk)
    assert caught.value.when > 3600
    run = CollectionRun.objects.get()
    assert run.retryable and "rate limit" in run.error
