"""Creating waves with their invitations, and opening and closing them now, with the rules that keep reported
results stable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction

from assessor.models import Organization, Team
from surveys.models import Instrument, Invitation, Wave
from surveys.services.invitations import InvitationsRefused, invitations_create, invitations_for_people

INVITE_KINDS = ("people", "slots", "none")


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


def wave_create(
    *,
    organization: Organization,
    instrument: Instrument,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    teams: Sequence[Team],
    anonymous: bool = False,
    min_responses: int = 3,
    invite: str = "none",
    per_role: int = 1,
) -> tuple[Wave, list[Invitation]]:
    """A new wave for these teams and, in the same transaction, its links: one per member of the teams
    ("people"), `per_role` anonymous slots per team and fitting role ("slots"), or none yet.

    Raises InvitationsRefused with a message when the wave cannot be made as asked; then nothing is stored.
    """
    if invite not in INVITE_KINDS:
        raise InvitationsRefused(f"Choose one of {', '.join(INVITE_KINDS)} for the invitations.")
    if closes_at <= opens_at:
        raise InvitationsRefused("A wave must close after it opens.")
    if not teams:
        raise InvitationsRefused("Choose at least one team.")
    outsiders = [team.name for team in teams if team.organization_id != organization.pk]
    if outsiders:
        raise InvitationsRefused(f"These teams belong to another organization: {', '.join(outsiders)}.")
    try:
        with transaction.atomic():
            wave = Wave.objects.create(
                organization=organization,
                instrument=instrument,
                name=name,
                opens_at=opens_at,
                closes_at=closes_at,
                anonymous=anonymous,
                min_responses=min_responses,
            )
            wave.teams.set(teams)
            if invite == "people":
                created = invitations_for_people(wave=wave)
            elif invite == "slots":
                created = invitations_create(wave=wave, per_role=per_role)
            else:
                created = []
    except IntegrityError as exc:  # another admin opened a wave of the same name a moment earlier
        raise InvitationsRefused(f"{organization.name} already has a wave called {name}.") from exc
    return wave, created
