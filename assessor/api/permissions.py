"""Who may call what: thin wrappers over `assessor.access`, which stays the one place access is decided.

Objects the caller may not see answer 404, as if they did not exist; objects they may see but not
change answer 403.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound, PermissionDenied

from assessor.access import (
    AnyUser,
    can_view_team,
    is_org_admin,
    organizations_administered,
    organizations_for,
    teams_visible_to,
)
from assessor.models import Organization, Team

__all__ = [
    "administered_organizations",
    "can_view_team",
    "organization_or_404",
    "require_org_admin",
    "team_id_in",
    "team_or_404",
    "visible_teams",
]


def organization_or_404(user: AnyUser, slug: str) -> Organization:
    organization = organizations_for(user).filter(slug=slug).first()
    if organization is None:
        raise NotFound(f"No organization {slug!r} that you belong to.")
    return organization


def require_org_admin(user: AnyUser, organization: Organization) -> None:
    if not is_org_admin(user, organization):
        raise PermissionDenied(f"Only admins of {organization.name} may do this.")


def visible_teams(user: AnyUser, organization: Organization) -> QuerySet[Team]:
    return teams_visible_to(user, organization)


def _as_id(team: int | str) -> int | None:
    """The id a team reference may be: digits that fit a database id."""
    text = str(team)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def team_or_404(user: AnyUser, organization: Organization, team: int | str) -> Team:
    """The team a path names by its id or its slug, among those the user may see (one query).

    Digits are read as an id first, then as a slug (a slug may be all digits). A team that does not exist and
    one the user may not see get the same 404.
    """
    number = _as_id(team)
    match = Q(slug=str(team)) if number is None else Q(pk=number) | Q(slug=str(team))
    candidates = list(visible_teams(user, organization).filter(match)[:2])
    found = next((t for t in candidates if t.pk == number), candidates[0] if candidates else None)
    if found is None:
        raise NotFound(f"No team {str(team)[:80]} that you may see in {organization.name}.")
    return found


def team_id_in(teams: Iterable[tuple[int, str]], team: int | str) -> int | None:
    """The id of the team `team` names (its id or slug, as `team_or_404` reads it) among (id, slug) pairs."""
    number = _as_id(team)
    pairs = list(teams)
    by_id = next((team_id for team_id, _ in pairs if team_id == number), None)
    return by_id if by_id is not None else next((team_id for team_id, slug in pairs if slug == str(team)), None)


def administered_organizations(user: AnyUser) -> list[Organization]:
    """The organizations the user administers (every one for a superuser), in one query."""
    return list(organizations_administered(user))
