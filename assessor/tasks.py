"""Background tasks of the core."""

from celery import shared_task
from django.utils import timezone

from assessor.models import Heartbeat


@shared_task(name="assessor.heartbeat")
def heartbeat(name: str = "worker") -> str:
    """Record that the worker (and, when scheduled, beat) is alive."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return now.isoformat()
