"""Background collection: one task per source, fanned out per organization, retried only on retryable errors."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from assessor.models import Cluster, Organization, Repository
from collectors.errors import CollectorError
from collectors.github_org_sync import github_org_sync
from collectors.models import CollectionRun
from collectors.services import cluster_collect, organization_sources, repository_collect, signals_prune
from collectors.waivers import waivers_lapse

# The services raise a CollectorError only when it is retryable (after recording the failed run),
# so retrying on CollectorError retries exactly the retryable failures.
RETRY = {
    "autoretry_for": (CollectorError,),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def _respect_retry_after(task: Task, exc: CollectorError) -> None:
    """A rate limit says when it resets: wait at least that long before the next attempt."""
    if exc.retry_after and task.request.retries < task.max_retries:
        raise task.retry(exc=exc, countdown=max(int(exc.retry_after) + 1, 30 * 2**task.request.retries))


def _summary(runs: list[CollectionRun]) -> list[dict[str, Any]]:
    return [{"run": run.pk, "status": run.status, "signals": run.signal_count} for run in runs]


@shared_task(bind=True, name="collectors.collect_repository", **RETRY)
def collect_repository(self: Task, repository_id: int, trigger: str = CollectionRun.Trigger.MANUAL) -> list[dict[str, Any]]:
    repository = Repository.objects.select_related("team").filter(pk=repository_id).first()
    if repository is None:
        return []
    try:
        runs = repository_collect(
            repository=repository, trigger=trigger if not self.request.retries else "retry", job_id=self.request.id or ""
        )
    except CollectorError as exc:
        _respect_retry_after(self, exc)
        raise
    return _summary(runs)


@shared_task(bind=True, name="collectors.collect_cluster", **RETRY)
def collect_cluster(self: Task, cluster_id: int, trigger: str = CollectionRun.Trigger.MANUAL) -> list[dict[str, Any]]:
    cluster = Cluster.objects.select_related("team").filter(pk=cluster_id).first()
    if cluster is None:
        return []
    try:
        run = cluster_collect(
            cluster=cluster, trigger=trigger if not self.request.retries else "retry", job_id=self.request.id or ""
        )
    except CollectorError as exc:
        _respect_retry_after(self, exc)
        raise
    return _summary([run] if run else [])


@shared_task(name="collectors.collect_organization")
def collect_organization(org_id: int, trigger: str = CollectionRun.Trigger.SCHEDULE) -> int:
    """Queue one task per repository and cluster of the organization; returns how many were queued."""
    organization = Organization.objects.filter(pk=org_id).first()
    if organization is None:
        return 0
    sources = organization_sources(organization)
    for source in sources:
        if isinstance(source, Repository):
            collect_repository.delay(source.pk, trigger)
        else:
            collect_cluster.delay(source.pk, trigger)
    return len(sources)


@shared_task(name="collectors.collect_all_organizations")
def collect_all_organizations() -> int:
    ids = list(Organization.objects.values_list("pk", flat=True))
    for org_id in ids:
        collect_organization.delay(org_id)
    return len(ids)


@shared_task(name="collectors.prune_signals")
def prune_signals() -> int:
    return signals_prune()


@shared_task(bind=True, name="collectors.sync_github_org", max_retries=3)
def sync_github_org(self: Task, organization: str = "", org: str = "", prune: bool = False) -> str:
    """The scheduled GitHub organization sync; a schedule with no organization or GitHub org set does nothing."""
    if not organization or not org:
        return "not configured: set the organization and org arguments of the schedule"
    found = Organization.objects.filter(slug=organization).first()
    if found is None:
        return f"no organization {organization!r}"
    try:
        result = github_org_sync(organization=found, org=org, dry_run=False, prune=prune)
    except CollectorError as exc:
        if exc.retryable:
            countdown = max(int(exc.retry_after or 0) + 1, 60 * 2**self.request.retries)
            raise self.retry(exc=exc, countdown=countdown) from exc
        raise
    report = result.report
    return f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed"


@shared_task(name="collectors.lapse_waivers")
def lapse_waivers() -> int:
    """Waivers past their expiry: audit the lapse and queue their teams' rescore."""
    return waivers_lapse()
