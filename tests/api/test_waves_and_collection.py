"""Admins open and close waves and trigger collection; collection is queued only once the request commits."""

import pytest
from django.utils import timezone

from collectors import tasks

pytestmark = pytest.mark.django_db


def test_an_admin_opens_a_scheduled_wave_now_and_a_repeat_changes_nothing(world):
    client = world.client("admin")
    opened = client.post(f"/api/v1/orgs/acme/waves/{world.scheduled_wave.pk}/open/").json()
    assert opened["state"] == "open" and opened["changed"] is True
    world.scheduled_wave.refresh_from_db()
    assert world.scheduled_wave.is_open(timezone.now())
    again = client.post(f"/api/v1/orgs/acme/waves/{world.scheduled_wave.pk}/open/").json()
    assert again["changed"] is False


def test_an_admin_closes_an_open_wave_and_answers_stop(world):
    closed = world.client("admin").post(f"/api/v1/orgs/acme/waves/{world.wave.pk}/close/").json()
    assert closed["state"] == "closed" and closed["changed"] is True
    path = f"/api/v1/responses/{world.invitations['a'].token()}/"
    response = world.client("anonymous").put(path, {"version": 0, "answers": {"coop.pains": "late"}}, format="json")
    assert response.status_code == 409


def test_a_closed_wave_cannot_be_reopened_and_a_scheduled_one_cannot_be_closed(world):
    client = world.client("superuser")
    reopen = client.post(f"/api/v1/orgs/acme/waves/{world.closed_wave.pk}/open/")
    assert reopen.status_code == 409 and reopen.json()["error"]["code"] == "wave_closed"
    early = client.post(f"/api/v1/orgs/acme/waves/{world.scheduled_wave.pk}/close/")
    assert early.status_code == 409 and early.json()["error"]["code"] == "wave_not_open"


def test_a_wave_of_another_organization_is_not_found(world):
    assert world.client("outsider").post(f"/api/v1/orgs/other/waves/{world.wave.pk}/close/").status_code == 404


@pytest.fixture
def sent(monkeypatch):
    calls = []
    for task in (tasks.collect_repository, tasks.collect_cluster):
        monkeypatch.setattr(task, "apply_async", lambda args, task_id, name=task.name: calls.append((name, args, task_id)))
    return calls


def test_collection_is_queued_per_source_after_commit_with_job_ids(world, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = world.client("admin").post("/api/v1/orgs/acme/collections/", {}, format="json")
        assert sent == [], "nothing is sent before the transaction commits"
    assert response.status_code == 202
    body = response.json()
    assert body["queued"] == 2 and {job["team_id"] for job in body["jobs"]} == {world.team_a.pk, world.team_b.pk}
    for callback in callbacks:
        callback()
    assert sorted(job for _, _, job in sent) == sorted(job["job"] for job in body["jobs"])
    assert {name for name, _, _ in sent} == {"collectors.collect_repository"}
    assert all(args[1] == "manual" for _, args, _ in sent)


def test_collection_can_be_limited_to_some_teams(world, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = world.client("admin").post("/api/v1/orgs/acme/collections/", {"teams": [world.team_a.pk]}, format="json").json()
    assert [job["team_id"] for job in body["jobs"]] == [world.team_a.pk]
    assert len(sent) == 1


def test_collection_refuses_teams_outside_the_organization(world, sent):
    response = world.client("admin").post("/api/v1/orgs/acme/collections/", {"teams": [world.team_x.pk]}, format="json")
    assert response.status_code == 400 and response.json()["error"]["details"] == {"teams": [world.team_x.pk]}
    response = world.client("admin").post("/api/v1/orgs/acme/collections/", {"team": [1]}, format="json")
    assert response.status_code == 400
    assert sent == []


def test_runs_can_be_found_by_the_job_that_ran_them(world):
    from collectors.services import repository_collect

    repository = world.team_a.repositories.first()
    runs = repository_collect(repository=repository, job_id="job-123", raise_retryable=False)
    assert [run.job_id for run in runs] == ["job-123"]
    response = world.client("admin").get("/api/v1/orgs/acme/runs/", {"job": "job-123"})
    assert response.status_code == 200
    body = response.json()
    assert [run["job_id"] for run in body["results"]] == ["job-123"]
    assert world.client("admin").get("/api/v1/orgs/acme/runs/", {"job": "other"}).json()["results"] == []
