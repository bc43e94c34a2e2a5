"""Asking for scores to be recomputed after answers or evidence change, once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def request_rescore(*, team_ids: Iterable[int], wave_ids: Iterable[int] | None = None) -> None:
    """Rescore only these teams (and waves, when given; else every wave they took part in) in the background."""
    teams = sorted(set(team_ids))
    waves = sorted(set(wave_ids)) if wave_ids is not None else None
    if not teams:
        return

    def enqueue() -> None:
        from assessor.tasks import rescore_teams

        rescore_teams.delay(team_ids=teams, wave_ids=waves)

    transaction.on_commit(enqueue)
