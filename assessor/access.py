"""Who may see what: the one place every page and API view asks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from assessor.models import Membership, Organization, Team

AnyUser = AbstractBaseUser | AnonymousUser


def is_org_admin(user: AnyUser, organization: Organization) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organization=organization, role=Membership.Role.ADMIN).exists()


def organizations_for(user: AnyUser) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()


def organizations_administered(user: AnyUser) -> QuerySet[Organization]:
    """The organizations the user administers: every one for a superuser, else those where they hold an admin
    membership; none for an anonymous user. One query however many organizations there are."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user, memberships__role=Membership.Role.ADMIN).distinct()


def visibility(user: AnyUser, organization: Organization) -> tuple[QuerySet[Team], bool]:
    """The teams the user may see, and whether that is the whole organization. At most one query.

    Admins and org-wide viewers see every team; team leads and members see their own team.
    """
    teams = Team.objects.filter(organization=organization)
    if not user.is_authenticated:
        return teams.none(), False
    if user.is_superuser:
        return teams, True
    roles = list(Membership.objects.filter(user=user, organization=organization).values_list("role", "team_id"))
    if any(role == Membership.Role.ADMIN or (role == Membership.Role.VIEWER and team is None) for role, team in roles):
        return teams, True
    return teams.filter(pk__in=sorted({team for _, team in roles if team is not None})), False


def teams_visible_to(user: AnyUser, organization: Organization) -> QuerySet[Team]:
    """Admins and org-wide viewers see every team; team leads and members see their own team."""
    return visibility(user, organization)[0]


def can_view_team(user: AnyUser, team: Team) -> bool:
    return teams_visible_to(user, team.organization).filter(pk=team.pk).exists()


def admins_to_ask(user: AnyUser, *, organization: Organization | None = None, limit: int = 5) -> list[tuple[str, str]]:
    """(name, e-mail) of the people a signed-in person should ask to be added to a team: the admins of
    `organization` when given; else the admins who share the person's e-mail domain, else those of the only
    organization, else the superusers. At most four queries."""
    email = str(getattr(user, "email", "") or "")
    domain = email.rsplit("@", 1)[1].lower() if "@" in email else ""
    admins = Membership.objects.filter(role=Membership.Role.ADMIN, user__is_active=True).exclude(user__email="")
    people: list[Any] = []
    if organization is not None:
        admins = admins.filter(organization=organization)
        people = [m.user for m in admins.select_related("user")[: limit * 4]]
    elif domain:
        people = [m.user for m in admins.filter(user__email__iendswith=f"@{domain}").select_related("user")[: limit * 4]]
    if not people and organization is None and Organization.objects.count() == 1:
        people = [m.user for m in admins.select_related("user")[: limit * 4]]
    if not people:
        people = list(get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")[:limit])
    unique = {person.pk: person for person in people if person.pk != user.pk}
    return [(person.get_full_name() or person.get_username(), person.email) for person in list(unique.values())[:limit]]


def can_manage_team(user: AnyUser, team: Team) -> bool:
    """Admins of the team's organization, and the team's own leads, may change what counts for the team
    (waive an evidence rule, for one). Two queries at most."""
    if is_org_admin(user, team.organization):
        return True
    return bool(
        user.is_authenticated and Membership.objects.filter(user=user, team=team, role=Membership.Role.TEAM_LEAD).exists()
    )
