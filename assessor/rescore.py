"""Asking for scores to be recomputed after answers or evidence change, once the transaction commits.

Scoring lives in the top layer (`reports`), so the lower apps never import it: they send its task by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.db import transaction

RESCORE_TASK = "reports.rescore_teams"


def send_task(name: str, **kwargs: Any) -> None:
    """Queue a task known only by its name. Celery's `send_task` ignores eager mode, so there (tests, one-process
    set-ups) the registered task runs in place, as `delay` would run it."""
    if current_app.conf.task_always_eager:
        current_app.loader.import_default_modules()  # registers the apps' tasks (autodiscovery)
        current_app.tasks[name].apply(kwargs=kwargs, throw=current_app.conf.task_eager_propagates)
        return
    current_app.send_task(name, kwargs=kwargs)


def request_rescore(*, team_ids: Iterable[int], wave_ids: Iterable[int] | None = None) -> None:
    """Rescore only these teams (and waves, when given; else every wave they took part in) in the background."""
    teams = sorted(set(team_ids))
    waves = sorted(set(wave_ids)) if wave_ids is not None else None
    if not teams:
        return
    transaction.on_commit(lambda: send_task(RESCORE_TASK, team_ids=teams, wave_ids=waves))
