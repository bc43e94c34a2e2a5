"""When a background process last showed it was alive, so pages can say whether the worker runs."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

# A worker whose last heartbeat is older than this is taken to be gone (beat sends one every minute).
FRESH_WITHIN = timedelta(minutes=3)


class Heartbeat(models.Model):
    name = models.CharField(max_length=60, unique=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%Y-%m-%d %H:%M:%S}"

    def is_fresh(self, *, now: timezone.datetime | None = None, within: timedelta = FRESH_WITHIN) -> bool:
        return (now or timezone.now()) - self.last_seen <= within
