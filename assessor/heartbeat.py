"""Whether a background worker runs, read from the heartbeat rows (`assessor.heartbeat`, sent every minute by beat).

Pages that start background work (collection, waves and their e-mails) show a notice when no worker has been seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from celery import current_app
from django.db.models import Max

from assessor.models import Heartbeat
from assessor.models.heartbeat import FRESH_WITHIN

# What README.md and `manage.py serve` (which `make run` uses) start: one worker with the beat scheduler embedded.
WORKER_COMMAND = ".venv/bin/celery -A assessor worker --beat --pool=solo --loglevel=INFO"


@dataclass(frozen=True)
class WorkerStatus:
    inline: bool  # CELERY_TASK_ALWAYS_EAGER: tasks run inside the web process, so no worker is needed
    last_seen: datetime | None  # the newest heartbeat; None when none was ever recorded (or it was not looked up)
    now: datetime

    @property
    def seen_recently(self) -> bool:
        return self.last_seen is not None and self.now - self.last_seen <= FRESH_WITHIN

    @property
    def missing(self) -> bool:
        """Background work would wait: tasks are queued for a worker, and none has been seen lately."""
        return not self.inline and not self.seen_recently

    @property
    def silent_minutes(self) -> int | None:
        """Whole minutes since the last heartbeat; None when there never was one."""
        if self.last_seen is None:
            return None
        return max(0, int((self.now - self.last_seen).total_seconds() // 60))


def worker_status(now: datetime) -> WorkerStatus:
    """Whether a worker has been seen within the last few minutes. No query when tasks run inline; else one."""
    if current_app.conf.task_always_eager:
        return WorkerStatus(inline=True, last_seen=None, now=now)
    last_seen = Heartbeat.objects.aggregate(last=Max("last_seen"))["last"]
    return WorkerStatus(inline=False, last_seen=last_seen, now=now)
