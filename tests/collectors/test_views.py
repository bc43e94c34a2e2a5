"""The staff collect page, the dump upload form and a team's evidence page."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from assessor.models import Heartbeat, Membership, Organization, Repository, Team
from collectors.models import CollectionRun, Signal
from collectors.services import collection_enqueue
from tests.collectors.conftest import Change

pytestmark = pytest.mark.django_db
DUMP = {
    "apiVersion": "v1",
    "kind": "List",
    "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "checkout", "labels": {"team": "checkout"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "checkout"}, "spec": {}},
    ],
}


@pytest.fixture
def staff(client):
    user = User.objects.create_superuser("root", "root@acme.example", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def local_repo(make_repo, platform_team):
    path = make_repo([Change("Priya <priya@acme.example>", 3, {"terraform/main.tf": "x", "argocd/app.yaml": "kind: x"})])
    return Repository.objects.create(team=platform_team, name="platform", local_path=str(path))


def test_only_staff_reach_the_collect_page(client, org):
    assert client.get("/collect/").status_code == 302
    User.objects.create_user("amy", password="pw")
    client.login(username="amy", password="pw")
    assert client.get("/collect/").status_code == 302


def test_it_lists_sources_with_their_last_run(staff, local_repo, cluster, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = staff.get("/collect/").content.decode()
    assert "platform" in page and "prod" in page
    assert "never" in page
    assert 'http-equiv="refresh"' not in page


def test_collect_now_queues_the_source_after_commit(staff, local_repo, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/collect/", {"org": org.slug, "source": f"repository:{local_repo.pk}"})
    assert response.status_code == 302
    run = CollectionRun.objects.get()
    assert (run.repository, run.status, run.trigger) == (local_repo, "ok", "manual")
    page = staff.get(response["Location"]).content.decode()
    assert "is queued" in page and "Finished" in page


def test_collect_all_fans_out(staff, local_repo, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/collect/", {"org": org.slug, "source": "all"})
    assert CollectionRun.objects.filter(repository=local_repo).count() == 1


def test_it_refuses_sources_of_another_organization(staff, org):
    other = Organization.objects.create(name="Other", slug="other")
    team = Team.objects.create(organization=other, name="T", slug="t", kind="application")
    foreign = Repository.objects.create(team=team, name="x", local_path="/x")
    assert staff.post("/collect/", {"org": org.slug, "source": f"repository:{foreign.pk}"}).status_code == 404


def test_the_page_follows_a_running_run_with_its_script_and_no_reload(staff, local_repo):
    CollectionRun.objects.create(
        team=local_repo.team, repository=local_repo, source_key=f"repository:{local_repo.pk}", collector="git"
    )
    page = staff.get("/collect/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert 'data-active="true"' in page and "/static/collectors/collect.js" in page


def test_uploading_a_good_dump_collects_it(staff, cluster, app_team):
    upload = SimpleUploadedFile("cluster.json", json.dumps(DUMP).encode(), content_type="application/json")
    response = staff.post(f"/collect/clusters/{cluster.pk}/upload/", {"dump": upload})
    assert response.status_code == 302
    assert Signal.objects.get(team=app_team, key="k8s.workloads").value == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [(b'{"items": [', "truncated"), (b"<html>", "not valid JSON"), (b'{"items": [{"kind": 3}]}', "apiVersion")],
)
def test_a_bad_dump_gets_a_400_with_the_reason_and_changes_nothing(staff, cluster, content, message):
    response = staff.post(f"/collect/clusters/{cluster.pk}/upload/", {"dump": SimpleUploadedFile("d.json", content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CollectionRun.objects.exists()


def test_an_oversized_dump_is_refused_before_reading(staff, cluster, settings):
    settings.COLLECTORS_MAX_DUMP_BYTES = 50
    response = staff.post(
        f"/collect/clusters/{cluster.pk}/upload/", {"dump": SimpleUploadedFile("d.json", json.dumps(DUMP).encode())}
    )
    assert response.status_code == 400
    assert "the limit is 50 bytes" in response.content.decode()


def test_a_missing_file_is_a_400(staff, cluster):
    assert staff.post(f"/collect/clusters/{cluster.pk}/upload/", {}).status_code == 400


def test_team_members_see_their_team_evidence_and_links_to_signals(client, local_repo, platform_team, app_team):
    from collectors.services import repository_collect

    repository_collect(repository=local_repo)
    member = Membership.objects.filter(team=platform_team).first().user
    client.force_login(member)
    page = client.get(f"/evidence/teams/{platform_team.pk}/").content.decode()
    assert "Operations" in page and "#signal-" in page and "files.gitops" in page
    assert client.get(f"/evidence/teams/{app_team.pk}/").status_code == 403


def test_the_admin_shows_evidence_with_links_back_to_its_signals(staff, local_repo, platform_team):
    from collectors.models import Evidence
    from collectors.services import repository_collect

    (run,) = repository_collect(repository=local_repo)
    evidence = Evidence.objects.get(team=platform_team, rule_key="operations-infrastructure-as-code")
    page = staff.get(f"/admin/collectors/evidence/{evidence.pk}/change/").content.decode()
    for signal in evidence.signals.all():
        assert f"/admin/collectors/signal/{signal.pk}/change/" in page
    signal_page = staff.get(f"/admin/collectors/signal/{evidence.signals.first().pk}/change/").content.decode()
    assert f"/admin/collectors/evidence/{evidence.pk}/change/" in signal_page
    run_page = staff.get(f"/admin/collectors/collectionrun/{run.pk}/change/").content.decode()
    assert f"?run__id__exact={run.pk}" in run_page
    assert staff.get(f"/admin/collectors/signal/?run__id__exact={run.pk}").status_code == 200


def test_the_page_and_the_api_queue_through_one_service_that_names_its_jobs(
    staff, local_repo, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        jobs = collection_enqueue(organization=org, sources=[local_repo])
    assert [(job.source_kind, job.source_id, job.team_id) for job in jobs] == [("repository", local_repo.pk, local_repo.team_id)]
    assert CollectionRun.objects.get().job_id == jobs[0].job
    with django_capture_on_commit_callbacks(execute=True):
        staff.post("/collect/", {"org": org.slug, "source": f"repository:{local_repo.pk}"})
    assert CollectionRun.objects.exclude(job_id=jobs[0].job).get().job_id != ""


def test_the_service_refuses_a_source_of_another_organization(org, django_capture_on_commit_callbacks):
    other = Organization.objects.create(name="Other", slug="other")
    team = Team.objects.create(organization=other, name="T", slug="t", kind="application")
    foreign = Repository.objects.create(team=team, name="x", local_path="/x")
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValueError, match="does not belong"):
        collection_enqueue(organization=org, sources=[foreign])
    assert callbacks == []


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NOTICE = "No background worker has been seen"


@pytest.mark.parametrize(
    ("last_seen", "says"),
    [(None, f"{NOTICE} yet."), (NOW - timedelta(minutes=7), f"{NOTICE} for 7 minutes.")],
)
def test_the_page_says_when_no_worker_has_been_seen_lately(staff, local_repo, worker_mode, time_machine, last_seen, says):
    time_machine.move_to(NOW, tick=False)
    if last_seen is not None:
        Heartbeat.objects.create(name="scheduler", last_seen=last_seen)
    page = staff.get("/collect/").content.decode()
    assert says in page
    assert "make run" in page and ".venv/bin/celery -A assessor worker --beat" in page


def test_no_notice_with_a_fresh_heartbeat(staff, local_repo, worker_mode, time_machine):
    time_machine.move_to(NOW, tick=False)
    Heartbeat.objects.create(name="scheduler", last_seen=NOW - timedelta(seconds=50))
    assert NOTICE not in staff.get("/collect/").content.decode()


def test_no_notice_when_tasks_run_inline(staff, local_repo):
    assert NOTICE not in staff.get("/collect/").content.decode()
