"""Background work of the reports: rescoring, and the scheduled emails.

Each email task keeps the moment it first ran, so a retry lands in the same period and the ledger skips
whoever already got the email; SMTP trouble is retried with growing pauses."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from reports import conf
from reports.benchmark_store import BenchmarkFetchFailed, benchmark_fetch
from reports.invitations import InvitesRefused, invitations_send
from reports.rescore import rescore_pending, scores_recompute
from reports.services import RETRYABLE_EMAIL_ERRORS, SendResult, digest_send, reminders_send
from surveys.models import Wave

# SMTP trouble, and a database busy with another sender of the same emails (SQLite reports it as locked).
RETRYABLE = (*RETRYABLE_EMAIL_ERRORS, OperationalError)
BACKOFF_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600


@shared_task(name="reports.rescore_teams")
def rescore_teams(team_ids: list[int], wave_ids: list[int] | None = None) -> int:
    """Recompute score snapshots for these teams (and waves); returns how many snapshots were written."""
    return scores_recompute(team_ids=team_ids, wave_ids=wave_ids).written


# Batches one task runs before it hands over to a fresh task, so a steady stream of saves cannot hold a worker.
DRAIN_BATCHES = 20


@shared_task(bind=True, name="reports.rescore_pending")
def rescore_pending_task(self: Any) -> str:
    """Rescore pending (team, wave) pairs batch after batch until none is left to claim."""
    pairs = written = 0
    for _ in range(DRAIN_BATCHES):
        result = rescore_pending()
        pairs += result.pairs
        written += result.written
        if result.pairs == 0 or (result.waiting == 0 and result.again == 0):
            break
    else:
        if not self.request.is_eager:
            self.apply_async()
    return f"{pairs} pairs rescored, {written} snapshots written"


def backoff(retries: int) -> int:
    """60 s, 120 s, 240 s ... up to an hour, with some jitter so workers do not retry in step."""
    delay: int = min(BACKOFF_MAX_SECONDS, BACKOFF_SECONDS * 2**retries)
    return delay + random.randint(0, delay // 10)  # noqa: S311 - jitter, not security


def _run(task: Any, service: Any, now: str | None, **kwargs: Any) -> str:
    moment = datetime.fromisoformat(now) if now else timezone.now()
    try:
        result: SendResult = service(now=moment, **kwargs)
    except RETRYABLE as exc:
        raise task.retry(
            exc=exc,
            kwargs={**kwargs, "now": moment.isoformat()},
            countdown=backoff(task.request.retries),
            max_retries=conf.email_retry_max(),
        ) from exc
    return str(result)


@shared_task(bind=True, name="reports.send_digests")
def send_digests(self: Any, frequency: str = "weekly", organization_ids: list[int] | None = None, now: str | None = None) -> str:
    """The weekly or monthly digest to admins and team leads who want it (scheduled under Periodic tasks)."""
    return _run(self, digest_send, now, frequency=frequency, organization_ids=organization_ids)


@shared_task(bind=True, name="reports.send_reminders")
def send_reminders(self: Any, organization_ids: list[int] | None = None, now: str | None = None) -> str:
    """Reminders to invited teams that have not answered an open wave (scheduled under Periodic tasks)."""
    return _run(self, reminders_send, now, organization_ids=organization_ids)


def _invitations_for_wave(*, wave_id: int, now: datetime, invitation_ids: list[int] | None = None) -> SendResult:
    return invitations_send(
        wave=Wave.objects.select_related("organization").get(pk=wave_id), now=now, invitation_ids=invitation_ids
    )


@shared_task(bind=True, name="reports.send_invitations")
def send_invitations(self: Any, wave_id: int, invitation_ids: list[int] | None = None, now: str | None = None) -> str:
    """Invitation emails to the people a wave invited by name, once per link (started from the wave's people page)."""
    try:
        return _run(self, _invitations_for_wave, now, wave_id=wave_id, invitation_ids=invitation_ids)
    except InvitesRefused as exc:
        return str(exc)


@shared_task(bind=True, name="reports.fetch_community_benchmark", max_retries=3)
def fetch_community_benchmark(self: Any, url: str = "") -> str:
    """Fetch and load the community's benchmark file (the schedule's URL, else REPORTS_COMMUNITY_BENCHMARK_URL)."""
    url = url or conf.community_benchmark_url()
    if not url:
        return "No community benchmark URL is set; nothing fetched."
    try:
        loaded = benchmark_fetch(url=url, token=conf.community_token(), now=timezone.now())
    except BenchmarkFetchFailed as exc:
        if exc.retryable and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=min(BACKOFF_MAX_SECONDS, BACKOFF_SECONDS * 2**self.request.retries)) from exc
        raise
    return f"{loaded.row.key} version {loaded.row.version}: {loaded.outcome}"
