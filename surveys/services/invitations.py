"""Creating invitation links for a wave's teams (anonymous slots, or one per person from the memberships), and
replacing one: for the same person, or a fresh one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from assessor.models import Membership, Team
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


# Viewers read dashboards; they are not asked to answer for a team.
INVITED_MEMBERSHIP_ROLES = (Membership.Role.ADMIN, Membership.Role.TEAM_LEAD, Membership.Role.MEMBER)


def invitable_memberships(*, wave: Wave, teams: Iterable[Team] | None = None) -> list[Membership]:
    """Active members of the wave's invited teams (or of `teams` among them) who may get a link of their own."""
    team_ids = [team.pk for team in teams] if teams is not None else list(wave.teams.values_list("pk", flat=True))
    return list(
        Membership.objects.filter(
            organization_id=wave.organization_id,
            team_id__in=team_ids,
            team__survey_waves=wave,
            role__in=INVITED_MEMBERSHIP_ROLES,
            user__is_active=True,
        )
        .select_related("user", "team")
        .order_by("team__name", "user__last_name", "user__first_name", "user__username", "pk")
    )


@transaction.atomic
def invitations_for_people(*, wave: Wave, teams: Iterable[Team] | None = None) -> list[Invitation]:
    """One link per member of the wave's invited teams (or of `teams`), for those who have none in this wave yet.

    Running it again after people joined a team adds links for them only. In an anonymous wave the answers stay
    unlinked to the person as in any anonymous wave: the link only lets admins see who has answered.
    """
    chosen = list(teams) if teams is not None else None
    if chosen is not None:
        invited = set(wave.teams.values_list("pk", flat=True))
        outsiders = [team.name for team in chosen if team.pk not in invited]
        if outsiders:
            raise InvitationsRefused(f"Not invited to {wave.name}: {', '.join(outsiders)}. Add them to the wave first.")
    already = set(Invitation.objects.filter(wave=wave).for_people().values_list("membership_id", flat=True))
    invitations = [
        Invitation.issue(
            wave=wave,
            team=membership.team,
            role=Role.for_person(team_kind=membership.team.kind, membership_role=membership.role),
            membership=membership,
        )
        for membership in invitable_memberships(wave=wave, teams=chosen)
        if membership.pk not in already and membership.team is not None
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
    # for someone else: a person's link is theirs alone, so the fresh one is an anonymous slot
    fresh = Invitation.issue(wave=locked.wave, team=locked.team, role=locked.role)
    fresh.save()
    return fresh
