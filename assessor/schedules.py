"""Default beat schedules of every app, kept present after each migrate (and after test databases are flushed).

Each app lists its defaults as `SCHEDULES` in `<app>/schedules.py`. Admins edit times or switch a schedule
off under Periodic tasks; a deleted default comes back at the next migrate, so switch it off instead.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from typing import Any

SCHEDULE_MODULES = ("assessor.schedules", "collectors.schedules", "reports.schedules")


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    every_seconds: int | None = None
    crontab: tuple[str, str, str, str] | None = None  # minute, hour, day of week, day of month
    kwargs: dict[str, Any] = field(default_factory=dict)


SCHEDULES = (DefaultSchedule("Worker heartbeat", "assessor.heartbeat", every_seconds=60, kwargs={"name": "scheduler"}),)


def all_defaults() -> list[DefaultSchedule]:
    schedules: list[DefaultSchedule] = []
    for module_name in SCHEDULE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        schedules.extend(module.SCHEDULES)
    return schedules


def ensure_default_schedules(**kwargs: Any) -> None:
    """Create any missing default schedule; existing ones (and admins' edits to them) are left alone."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    existing = set(PeriodicTask.objects.values_list("name", flat=True))
    for schedule in all_defaults():
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
