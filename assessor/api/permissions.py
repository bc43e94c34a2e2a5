"""Who may call what: thin wrappers over `assessor.access`, which stays the one place access is decided.

Objects the caller may not see answer 404, as if they did not exist; objects they may see but not
change answer 403.
"""

from __future__ import annotations

from django.db.models import QuerySet
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


def team_or_404(user: AnyUser, organization: Organization, team_id: int) -> Team:
    team = visible_teams(user, organization).filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"No team {team_id} that you may see in {organization.name}.")
    return team


def administered_organizations(user: AnyUser) -> list[Organization]:
    """The organizations the user administers (every one for a superuser), in one query."""
    return list(organizations_administered(user))
