"""The collect page's progress: queued jobs shown as queued, the JSON status endpoint and who may read it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from assessor.models import Heartbeat, Membership, Organization, Repository, Team
from collectors.models import CollectionRun
from collectors.services import repository_collect, run_start
from tests.collectors.conftest import Change

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STATUS = "/collect/status.json"


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("root", "root@acme.example", "pw"))
    return client


@pytest.fixture
def local_repo(make_repo, platform_team):
    path = make_repo([Change("Priya <priya@acme.example>", 3, {"terraform/main.tf": "x", "argocd/app.yaml": "kind: x"})])
    return Repository.objects.create(team=platform_team, name="platform", local_path=str(path))


def queue(client, org, source, django_capture_on_commit_callbacks):
    """Press "Collect now" with tasks going to a worker; the task is captured, not sent, so it stays queued."""
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/collect/", {"org": org.slug, "source": source})
    assert response.status_code == 302 and len(callbacks) >= 1
    return client.session["collector_jobs"][-1]["job"]


def test_a_job_shows_as_queued_until_its_run_starts_then_finished(
    staff, org, local_repo, worker_mode, django_capture_on_commit_callbacks
):
    job = queue(staff, org, f"repository:{local_repo.pk}", django_capture_on_commit_callbacks)

    page = staff.get(f"/collect/?org={org.slug}").content.decode()
    assert f'data-job="{job}"' in page and ">Queued<" in page and 'data-active="true"' in page
    status = staff.get(f"{STATUS}?org={org.slug}").json()
    assert status["active"] is True and status["counts"]["queued"] == 1
    assert [(j["job"], j["status"], j["source"]) for j in status["jobs"]] == [(job, "queued", "platform")]
    assert f'data-job="{job}"' in status["html"]["runs"] and ">Queued<" in status["html"]["sources"]

    run = run_start(source=local_repo, collector="git", trigger="manual", job_id=job)
    status = staff.get(f"{STATUS}?org={org.slug}").json()
    assert status["jobs"][0]["status"] == "running" and status["counts"] == {"queued": 0, "running": 1, "finished": 0}
    run.delete()

    (run,) = repository_collect(repository=local_repo, job_id=job)
    status = staff.get(f"{STATUS}?org={org.slug}").json()
    assert status["active"] is False and status["jobs"][0]["status"] == "finished"
    (listed,) = status["runs"]
    assert (listed["id"], listed["job"], listed["status"], listed["signals"]) == (run.pk, job, "ok", run.signal_count)
    assert ">Queued<" not in status["html"]["runs"]


def test_a_repository_read_locally_and_from_github_runs_until_both_runs_end(
    staff, org, local_repo, worker_mode, django_capture_on_commit_callbacks
):
    Repository.objects.filter(pk=local_repo.pk).update(github_full_name="acme/platform")
    job = queue(staff, org, f"repository:{local_repo.pk}", django_capture_on_commit_callbacks)
    first = run_start(source=local_repo, collector="git", trigger="manual", job_id=job)
    first.finish(status=CollectionRun.Status.OK)
    assert staff.get(STATUS).json()["jobs"][0]["status"] == "running"
    second = run_start(source=local_repo, collector="github", trigger="manual", job_id=job)
    second.finish(status=CollectionRun.Status.FAILED, error="GitHub said 502", retryable=True)
    status = staff.get(STATUS).json()
    assert status["jobs"][0]["status"] == "finished" and status["active"] is False
    assert {(r["collector"], r["error"], r["retryable"]) for r in status["runs"]} >= {("github", "GitHub said 502", True)}


def test_it_lists_what_a_run_did_not_read(staff, org, local_repo):
    run = run_start(source=local_repo, collector="git", trigger="manual")
    run.finish(status=CollectionRun.Status.PARTIAL, skipped=[{"what": "ci.yaml", "reason": "too large"}], signal_count=4)
    (listed,) = staff.get(STATUS).json()["runs"]
    assert (listed["status"], listed["status_label"], listed["signals"]) == ("partial", "Partial", 4)
    assert listed["skipped"] == [{"what": "ci.yaml", "reason": "too large"}]


@pytest.mark.parametrize(
    ("waited", "last_seen", "says"),
    [
        (timedelta(seconds=16), None, True),
        (timedelta(seconds=16), NOW - timedelta(minutes=9), True),
        (timedelta(seconds=5), None, False),
        (timedelta(seconds=16), NOW - timedelta(seconds=30), False),
    ],
)
def test_it_says_when_no_worker_has_taken_the_jobs(
    staff, org, local_repo, worker_mode, time_machine, django_capture_on_commit_callbacks, waited, last_seen, says
):
    time_machine.move_to(NOW - waited, tick=False)
    queue(staff, org, "all", django_capture_on_commit_callbacks)
    time_machine.move_to(NOW, tick=False)
    if last_seen is not None:
        Heartbeat.objects.create(name="scheduler", last_seen=last_seen)
    status = staff.get(STATUS).json()
    assert status["no_worker"] is says and status["active"] is True
    page = staff.get("/collect/").content.decode()
    assert ('id="collect-no-worker" hidden' not in page) is says
    assert "No worker has picked up the queued jobs" in page and "manage.py serve" in page
    assert ".venv/bin/celery -A assessor worker --beat" in page


def test_finished_jobs_are_forgotten_once_the_page_has_shown_them(
    staff, org, local_repo, worker_mode, django_capture_on_commit_callbacks
):
    job = queue(staff, org, f"repository:{local_repo.pk}", django_capture_on_commit_callbacks)
    repository_collect(repository=local_repo, job_id=job)
    assert 'data-active="false"' in staff.get("/collect/").content.decode()
    assert staff.session["collector_jobs"] == []


def test_the_endpoint_makes_a_constant_number_of_queries(
    staff, org, local_repo, platform_team, worker_mode, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for index in range(12):
        Repository.objects.create(team=platform_team, name=f"repo-{index}", local_path=f"/nowhere/{index}")
    queue(staff, org, "all", django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(12):
        assert len(staff.get(STATUS).json()["jobs"]) == 13


def test_anonymous_and_non_staff_readers_get_a_403(client, org, local_repo):
    response = client.get(STATUS)
    assert response.status_code == 403 and "Sign in" in response.json()["detail"]
    client.force_login(User.objects.create_user("amy", password="pw"))
    assert client.get(STATUS).status_code == 403


def test_an_admin_of_another_organization_sees_nothing_of_this_one(
    client, staff, org, local_repo, worker_mode, django_capture_on_commit_callbacks
):
    queue(staff, org, f"repository:{local_repo.pk}", django_capture_on_commit_callbacks)
    repository_collect(repository=local_repo)
    other = Organization.objects.create(name="Other", slug="other")
    Team.objects.create(organization=other, name="T", slug="t", kind="application")
    outsider = User.objects.create_user("olga", password="pw", is_staff=True)
    Membership.objects.create(user=outsider, organization=other, role=Membership.Role.ADMIN)
    client.force_login(outsider)

    refused = client.get(f"{STATUS}?org={org.slug}")
    assert refused.status_code == 404 and "platform" not in refused.content.decode()
    own = client.get(STATUS).json()
    assert own["organization"] == "other" and own["runs"] == [] and own["jobs"] == []
    assert "platform" not in own["html"]["runs"] + own["html"]["sources"]


def test_a_staff_member_who_administers_nothing_gets_a_404(client, org, local_repo):
    client.force_login(User.objects.create_user("sam", password="pw", is_staff=True))
    response = client.get(STATUS)
    assert response.status_code == 404 and response.json()["detail"] == "You administer no organization."
