"""Digest, reminder and survey invitation emails: HTML with a plain-text twin, and one-click unsubscribe headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from reports import conf
from reports.digest import DigestContent
from reports.frames.heatmap import MARKS
from reports.models import EmailKind
from reports.tokens import unsubscribe_token


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str


@dataclass(frozen=True)
class ReminderContent:
    wave_name: str
    closes_at: datetime
    days_left: int
    teams: list[str]
    number: int
    limit: int
    links: list[str]
    personal: bool = False  # reminds one person of their own link, not their team of its missing answers


@dataclass(frozen=True)
class InviteContent:
    wave_name: str
    team: str
    opens_at: datetime
    closes_at: datetime
    anonymous: bool
    link: str


def invite_period_key(invitation: Any) -> str:
    """The ledger key of an invitation email: one per link, so a new link for the same person may be sent again."""
    return f"wave{invitation.wave_id}:invite{invitation.pk}:{invitation.token_hash[:12]}"


def absolute(path: str) -> str:
    return f"{conf.site_url()}{path}"


def unsubscribe_url(recipient: Recipient, *, organization_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=recipient.user_id, organization_id=organization_id, kind=kind)
    return absolute(reverse("reports:unsubscribe", args=[token]))


def _message(
    *, subject: str, template: str, context: dict[str, Any], recipient: Recipient, unsubscribe: str, connection: Any = None
) -> EmailMultiAlternatives:
    context = {**context, "recipient": recipient, "unsubscribe_url": unsubscribe, "site_url": conf.site_url()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"reports/emails/{template}.txt", context),
        from_email=conf.from_email(),
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"reports/emails/{template}.html", context), "text/html")
    return message


def digest_subject(organization_name: str, content: DigestContent) -> str:
    return f"{organization_name}: platform maturity digest, {content.period.label}"


def digest_message(
    content: DigestContent,
    *,
    recipient: Recipient,
    organization: Any,
    aspects: dict[str, str],
    levels: dict[int, str],
    connection: Any = None,
) -> EmailMultiAlternatives:
    dashboard = absolute(reverse("reports:overview")) + f"?org={organization.slug}"
    return _message(
        subject=digest_subject(organization.name, content),
        template="digest",
        context={
            "content": content,
            "organization": organization,
            "aspects": aspects,
            "levels": levels,
            "marks": MARKS,
            "dashboard_url": dashboard,
            "gaps_url": absolute(reverse("reports:gaps")) + f"?org={organization.slug}",
        },
        recipient=recipient,
        unsubscribe=unsubscribe_url(recipient, organization_id=organization.pk, kind=EmailKind.DIGEST),
        connection=connection,
    )


def reminder_message(
    content: ReminderContent, *, recipient: Recipient, organization: Any, connection: Any = None
) -> EmailMultiAlternatives:
    return _message(
        subject=f"Reminder: {content.wave_name} closes on {content.closes_at:%d %B}",
        template="reminder",
        context={"content": content, "organization": organization},
        recipient=recipient,
        unsubscribe=unsubscribe_url(recipient, organization_id=organization.pk, kind=EmailKind.REMINDER),
        connection=connection,
    )


def invite_message(
    content: InviteContent, *, recipient: Recipient, organization: Any, connection: Any = None
) -> EmailMultiAlternatives:
    # One unsubscribe covers every survey email of the organization: invitations and reminders alike.
    return _message(
        subject=f"{organization.name} asks for your answers: {content.wave_name}",
        template="invite",
        context={"content": content, "organization": organization},
        recipient=recipient,
        unsubscribe=unsubscribe_url(recipient, organization_id=organization.pk, kind=EmailKind.REMINDER),
        connection=connection,
    )
