"""Background tasks of the core."""

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from assessor.catalog.source import CatalogFetchError
from assessor.catalog.sync import catalog_sync_from
from assessor.models import Heartbeat, Organization


@shared_task(name="assessor.heartbeat")
def heartbeat(name: str = "worker") -> str:
    """Record that the worker (and, when scheduled, beat) is alive."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return now.isoformat()


@shared_task(name="assessor.sync_catalog", bind=True, max_retries=3)
def sync_catalog(self: Any, organization: str = "", source: str = "", prune: bool = False) -> str:
    """The scheduled catalog sync; a schedule with no organization or source configured does nothing."""
    if not organization or not source:
        return "not configured: set the organization and source arguments of the schedule"
    found = Organization.objects.filter(slug=organization).first()
    if found is None:
        return f"no organization {organization!r}"
    try:
        report = catalog_sync_from(organization=found, source=source, token=settings.BACKSTAGE_TOKEN, dry_run=False, prune=prune)
    except CatalogFetchError as exc:
        if exc.retryable:
            raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
        raise
    return f"{len(report.added)} added, {len(report.changed)} changed, {len(report.removed)} removed"
