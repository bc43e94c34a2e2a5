"""Who may see what: the one place every page and API view asks."""

from __future__ import annotations

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


def teams_visible_to(user: AnyUser, organization: Organization) -> QuerySet[Team]:
    """Admins and org-wide viewers see every team; team leads and members see their own team."""
    teams = Team.objects.filter(organization=organization)
    if not user.is_authenticated:
        return teams.none()
    if user.is_superuser:
        return teams
    roles = Membership.objects.filter(user=user, organization=organization)
    if roles.filter(role__in=[Membership.Role.ADMIN]).exists() or roles.filter(role=Membership.Role.VIEWER, team=None).exists():
        return teams
    return teams.filter(memberships__user=user).distinct()


def can_view_team(user: AnyUser, team: Team) -> bool:
    return teams_visible_to(user, team.organization).filter(pk=team.pk).exists()
