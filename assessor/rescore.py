"""Asking for scores to be recomputed after answers or evidence change, once the transaction commits.

Scoring lives in the top layer (`reports`), so the lower apps never import it: they mark the (team, wave)
pairs to rescore in `PendingRescore` and send the reports' drain task by name. Marks coalesce: many saves of
one pair leave one pending row, and a drain task is sent only when a pair was not pending yet (a batch that
finds pairs marked again while it ran sends the next one itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessor.models.rescore import ALL_WAVES, PendingRescore

RESCORE_TASK = "reports.rescore_teams"
DRAIN_TASK = "reports.rescore_pending"


def send_task(name: str, **kwargs: Any) -> None:
    """Queue a task known only by its name. Celery's `send_task` ignores eager mode, so there (tests, one-process
    set-ups) the registered task runs in place, as `delay` would run it."""
    if current_app.conf.task_always_eager:
        current_app.loader.import_default_modules()  # registers the apps' tasks (autodiscovery)
        current_app.tasks[name].apply(kwargs=kwargs, throw=current_app.conf.task_eager_propagates)
        return
    current_app.send_task(name, kwargs=kwargs)


def mark_pending(pairs: Iterable[tuple[int, int]]) -> int:
    """Mark (team id, wave id) pairs as needing a rescore (wave id 0: every wave); returns how many were new.

    Every pair's version is bumped after its row exists, so a batch that claimed the pair before this call
    sees the change and leaves the row for the next batch."""
    by_wave: dict[int, set[int]] = defaultdict(set)
    for team_id, wave_id in pairs:
        by_wave[wave_id].add(team_id)
    now = timezone.now()
    new = 0
    for wave_id, teams in sorted(by_wave.items()):
        team_ids = sorted(teams)
        pending = PendingRescore.objects.filter(wave_id=wave_id, team_id__in=team_ids)
        already = set(pending.values_list("team_id", flat=True))
        missing = [team_id for team_id in team_ids if team_id not in already]
        PendingRescore.objects.bulk_create(
            [PendingRescore(team_id=team_id, wave_id=wave_id, requested_at=now) for team_id in missing],
            ignore_conflicts=True,
        )
        pending.update(version=F("version") + 1, requested_at=now)
        new += len(missing)
    return new


def request_rescore(*, team_ids: Iterable[int], wave_ids: Iterable[int] | None = None) -> None:
    """Rescore only these teams (and waves, when given; else every wave they took part in) in the background."""
    teams = sorted(set(team_ids))
    waves = sorted(set(wave_ids)) if wave_ids is not None else [ALL_WAVES]
    if not teams:
        return

    def mark_and_send() -> None:
        if mark_pending((team, wave) for team in teams for wave in waves):
            send_task(DRAIN_TASK)

    transaction.on_commit(mark_and_send)
