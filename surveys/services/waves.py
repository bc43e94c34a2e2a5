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


def wave_reopen(*, wave: Wave, now: datetime, closes_at: datetime) -> None:
    """Reopen a closed wave until `closes_at`: links, the web form and imports accept answers again.

    Releases of the wave published before now count as superseded from then on (reports reads
    `reopened_at`); a new release must then differ from each of them by k or more respondents per figure.
    """
    with transaction.atomic():
        locked = Wave.objects.select_for_update().get(pk=wave.pk)
        if locked.state(now) != "closed":
            raise WaveStateRefused("Only a closed wave can be reopened; this one has not closed.", code="wave_not_closed")
        if closes_at <= now:
            raise WaveStateRefused("A reopened wave needs a closing time in the future.", code="closes_in_the_past")
        locked.reopen(now=now, closes_at=closes_at)
    wave.closes_at, wave.reopened_at = locked.closes_at, locked.reopened_at


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
