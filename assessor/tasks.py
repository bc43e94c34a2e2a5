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


@shared_task(name="assessor.rescore_teams")
def rescore_teams(team_ids: list[int], wave_ids: list[int] | None = None) -> int:
    """Recompute score snapshots for these teams (and waves); returns how many snapshots were written."""
    from assessor.scoring_service import scores_recompute

    return scores_recompute(team_ids=team_ids, wave_ids=wave_ids).written
