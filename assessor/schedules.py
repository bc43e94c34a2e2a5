"""Default beat schedules, kept present after each migrate (and after test databases are flushed).

Each app lists its defaults as `SCHEDULES` in `<app>/schedules.py` and registers them from its `ready()`
with `keep_default_schedules`. Admins edit times or switch a schedule off under Periodic tasks; a deleted
default comes back at the next migrate, so switch it off instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: tuple[str, str, str, str] | None = None  # minute, hour, day of week, day of month
    kwargs: dict[str, Any] = field(default_factory=dict)


SCHEDULES = (
    DefaultSchedule("Worker heartbeat", "assessor.heartbeat", every_seconds=60, kwargs={"name": "scheduler"}),
    # Does nothing until an admin fills in the organization's slug and the catalog's file or URL.
    DefaultSchedule(
        "Catalog sync",
        "assessor.sync_catalog",
        crontab=("15", "3", "*", "*"),
        kwargs={"organization": "", "source": "", "prune": False},
    ),
)


def ensure_default_schedules(schedules: Iterable[DefaultSchedule], **kwargs: Any) -> None:
    """Create any missing default schedule; existing ones (and admins' edits to them) are left alone."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    existing = set(PeriodicTask.objects.values_list("name", flat=True))
    for schedule in schedules:
        if schedule.name in existing:
            continue
        timing: dict[str, Any]
        if schedule.every_seconds:
            interval, _ = IntervalSchedule.objects.get_or_create(every=schedule.every_seconds, period=IntervalSchedule.SECONDS)
            timing = {"interval": interval}
        else:
            assert schedule.crontab is not None
            minute, hour, day_of_week, day_of_month = schedule.crontab
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week=day_of_week, day_of_month=day_of_month, month_of_year="*"
            )
            timing = {"crontab": crontab}
        PeriodicTask.objects.create(name=schedule.name, task=schedule.task, kwargs=json.dumps(schedule.kwargs), **timing)


def keep_default_schedules(app_config: AppConfig, schedules: Iterable[DefaultSchedule]) -> None:
    """From an app's `ready()`: restore its default schedules after every migrate of that app."""
    post_migrate.connect(
        partial(ensure_default_schedules, tuple(schedules)),
        sender=app_config,
        dispatch_uid=f"{app_config.label}-default-schedules",
        weak=False,
    )
