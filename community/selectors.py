"""What a community's readers may see and the releases its aggregates rest on: the one read path of this app.

Reviewers and admins of a community read its releases and aggregates, nothing of any organization; with
COMMUNITY_PUBLIC on, anyone reads its report. An organization's own data never passes through here, only
the releases it sent (already k-suppressed by the sender) and what is computed from them."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from community import conf
from community.frames import ReleaseFacts
from community.models import Community, CommunityRole, Contributor, ReceivedRelease


def roles_of(user: Any) -> dict[int, str]:
    """Community id -> the user's role there."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(CommunityRole.objects.filter(user=user).values_list("community_id", "role"))


def communities_for(user: Any) -> QuerySet[Community]:
    """The communities whose report the user may read."""
    if conf.public() or getattr(user, "is_superuser", False):
        return Community.objects.all()
    return Community.objects.filter(pk__in=list(roles_of(user)))


def can_read(user: Any, community: Community) -> bool:
    return conf.public() or getattr(user, "is_superuser", False) or community.pk in roles_of(user)


def can_see_releases(user: Any, community: Community) -> bool:
    """Received releases (with their pseudonyms) are for the community's reviewers and admins, even when the report is public."""
    return getattr(user, "is_superuser", False) or community.pk in roles_of(user)


def is_community_admin(user: Any, community: Community) -> bool:
    return getattr(user, "is_superuser", False) or roles_of(user).get(community.pk) == CommunityRole.Role.ADMIN


def received_releases(community: Community) -> list[ReceivedRelease]:
    return list(
        ReceivedRelease.objects.filter(community=community)
        .select_related("contributor")
        .defer("document")
        .order_by("-received_at", "-pk")
    )


def release_facts(community: Community) -> list[ReleaseFacts]:
    """Every received release of the community as plain data, in one query."""
    rows = ReceivedRelease.objects.filter(community=community).values_list(
        "contributor__pseudonym", "wave_ref", "number", "closed_in", "document"
    )
    return [
        ReleaseFacts(organization=pseudonym, wave=wave, number=number, closed_in=closed_in, document=json.loads(document))
        for pseudonym, wave, number, closed_in, document in rows
    ]


def contributors_of(community: Community) -> list[Contributor]:
    return list(Contributor.objects.filter(community=community).order_by("pseudonym"))


def local_contributions(organization_id: int) -> list[Contributor]:
    """The communities on this deployment an organization may publish to."""
    return list(
        Contributor.objects.filter(organization_id=organization_id, revoked_at__isnull=True)
        .select_related("community")
        .order_by("community__name")
    )
