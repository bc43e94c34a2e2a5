import pytest

from assessor.models import Organization, Repository, Team
from collectors.models import CollectionRun
from collectors.services import repository_collect, run_start

pytestmark = pytest.mark.django_db


def test_a_job_delivered_again_closes_the_attempt_its_dead_worker_left_running(tmp_path):
    organization = Organization.objects.create(name="Org", slug="org")
    team = Team.objects.create(organization=organization, name="PaaS", slug="paas", kind="platform")
    repository = Repository.objects.create(team=team, name="config", local_path=str(tmp_path / "missing"))
    orphan = run_start(source=repository, collector="git", trigger="manual", source_url="x", job_id="job-9")
    other_job = run_start(source=repository, collector="git", trigger="manual", source_url="x", job_id="job-8")

    runs = repository_collect(repository=repository, job_id="job-9", raise_retryable=False)

    orphan.refresh_from_db()
    other_job.refresh_from_db()
    assert orphan.status == CollectionRun.Status.FAILED
    assert "ran again" in orphan.error
    assert other_job.status == CollectionRun.Status.RUNNING  # another job's run is not touched
    assert [run.job_id for run in runs] == ["job-9"]
