"""Creating invitation links for a wave's teams, and replacing one: for the same person, or a fresh one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from assessor.models import Team
from surveys.models import Invitation, Role, Wave

MAX_PER_ROLE = 50


class InvitationsRefused(ValueError):
    """The request cannot be carried out as asked; the message says why."""


@transaction.atomic
def invitations_create(
    *,
    wave: Wave,
    per_role: int,
    roles: Sequence[str] | None = None,
    teams: Iterable[Team] | None = None,
    label: str = "",
) -> list[Invitation]:
    """`per_role` new links per team and role; roles default to those fitting each team's kind.

    Teams default to every team invited to the wave; a team not invited is refused.
    """
    if not 1 <= per_role <= MAX_PER_ROLE:
        raise InvitationsRefused(f"Ask for 1 to {MAX_PER_ROLE} links per team and role.")
    unknown = [role for role in roles or [] if role not in Role.values]
    if unknown:
        raise InvitationsRefused(f"Unknown role(s): {', '.join(unknown)}.")
    invited = {team.pk: team for team in wave.teams.all()}
    chosen = list(teams) if teams is not None else list(invited.values())
    outsiders = [team.name for team in chosen if team.pk not in invited]
    if outsiders:
        raise InvitationsRefused(f"Not invited to {wave.name}: {', '.join(outsiders)}. Add them to the wave first.")
    invitations = [
        Invitation.issue(wave=wave, team=team, role=role, label=label)
        for team in sorted(chosen, key=lambda t: t.name)
        for role in (roles or Role.for_team_kind(team.kind))
        for _ in range(per_role)
    ]
    return Invitation.objects.bulk_create(invitations)


@transaction.atomic
def invitation_new_link(*, invitation: Invitation) -> Invitation:
    """A new link for the same person: the old token stops working at once and the new one reaches the same
    response, answers kept. A withdrawn invitation works again with it, so use it only for whom it was for."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    locked.regenerate()
    return locked


@transaction.atomic
def invitation_fresh(*, invitation: Invitation) -> Invitation:
    """A new, empty invitation for the same team and role in place of a withdrawn one, for someone else.

    The withdrawn invitation keeps its response (it still counts in the team's results), and no link reaches
    it: its token stays refused and the fresh invitation has a token and response of its own.
    """
    locked = Invitation.objects.select_for_update().select_related("wave", "team").get(pk=invitation.pk)
    if locked.revoked_at is None:
        raise InvitationsRefused("Withdraw the link first: a fresh invitation takes the place of a withdrawn one.")
    if not locked.wave.teams.filter(pk=locked.team_id).exists():
        raise InvitationsRefused(f"{locked.team.name} is no longer invited to {locked.wave.name}. Add it to the wave first.")
    fresh = Invitation.issue(wave=locked.wave, team=locked.team, role=locked.role)
    fresh.save()
    return fresh
