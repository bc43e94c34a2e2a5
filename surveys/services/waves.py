"""Opening and closing waves now, with the rules that keep reported results stable."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from surveys.models import Wave


class WaveStateRefused(ValueError):
    """The wave's state does not allow the change; `code` names why for API clients."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def wave_open(*, wave: Wave, now: datetime) -> bool:
    """Open a scheduled wave now. Returns whether it changed; a closed wave stays closed."""
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        state = locked.state(now)
        if state == "closed":
            raise WaveStateRefused(
                "A closed wave stays closed: reopening it would change results already reported and exported. "
                "Open a new wave instead.",
                code="wave_closed",
            )
        if state == "open":
            return False
        locked.opens_at = now
        locked.save(update_fields=["opens_at"])
        return True


def wave_close(*, wave: Wave, now: datetime) -> bool:
    """Close an open wave now. Returns whether it changed; a scheduled wave cannot be closed before it opens."""
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        state = locked.state(now)
        if state == "scheduled":
            raise WaveStateRefused("This wave has not opened yet, so it cannot be closed.", code="wave_not_open")
        if state == "closed":
            return False
        locked.closes_at = now
        locked.save(update_fields=["closes_at"])
        return True
