"""Sending survey invitations to the people a wave invited by name, once per link, through the email ledger."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.mail import get_connection

from reports.emails import InviteContent, absolute, invite_message, invite_period_key
from reports.models import EmailKind, Subscription
from reports.services import SendResult, deliver, recipient_for
from surveys.models import Invitation, Wave
from surveys.selectors import invitation_response


class InvitesRefused(ValueError):
    """The wave cannot send invitations now; the message says why."""


def invitations_send(*, wave: Wave, now: datetime, invitation_ids: Iterable[int] | None = None) -> SendResult:
    """Email each person invited by name their own link, once per link: a second send sends nothing new.

    Skipped (and counted as such): withdrawn links, people who already submitted, people without an address or
    no longer active, and people who stopped survey emails from the organization.
    """
    if wave.has_closed(now):
        raise InvitesRefused(f"{wave.name} closed on {wave.closes_at:%d %B %Y}; its links take no more answers.")
    invitations = (
        Invitation.objects.filter(wave=wave)
        .for_people()
        .active()
        .select_related("membership__user", "team", "response", "wave")
        .order_by("team__name", "pk")
    )
    if invitation_ids is not None:
        invitations = invitations.filter(pk__in=list(invitation_ids))
    stopped = set(
        Subscription.objects.filter(
            organization_id=wave.organization_id, kind=EmailKind.REMINDER, unsubscribed_at__isnull=False
        ).values_list("user_id", flat=True)
    )
    result = SendResult()
    connection = get_connection()
    for invitation in invitations:
        user = invitation.membership.user if invitation.membership else None
        response = invitation_response(invitation)
        if (
            user is None
            or not user.is_active
            or not user.email.strip()
            or user.pk in stopped
            or (response is not None and response.is_submitted)
        ):
            result.skipped += 1
            continue
        content = InviteContent(
            wave_name=wave.name,
            team=invitation.team.name,
            opens_at=wave.opens_at,
            closes_at=wave.closes_at,
            anonymous=wave.anonymous,
            link=absolute(invitation.path()),
        )
        message = invite_message(content, recipient=recipient_for(user), organization=wave.organization, connection=connection)
        deliver(
            result,
            message=message,
            kind=EmailKind.INVITE,
            period_key=invite_period_key(invitation),
            organization=wave.organization,
            user_id=user.pk,
            now=now,
            wave=wave,
        )
    return result
