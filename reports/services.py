"""Sending digests and reminders once per recipient and period, never twice, and email subscription changes."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessor.models import Membership, Organization
from reports import conf
from reports.dashboards.practices import practices_data
from reports.digest import DigestContent, DigestData, digest_content
from reports.emails import Recipient, ReminderContent, absolute, digest_message, reminder_message
from reports.frames.gaps import perception_frame
from reports.models import EmailKind, Frequency, SentEmail, Subscription
from reports.periods import Period, digest_period
from reports.selectors import (
    cooperation_answers,
    latest_scores,
    links_frame,
    organization_scope,
    participation_frame,
    scope_for,
    score_history,
    visible_perception,
    waves_frame,
)
from reports.tokens import UnsubscribeRequest
from reports.vocabulary import vocabulary
from surveys.models import Invitation, Response, Wave
from surveys.selectors import invitation_response

logger = logging.getLogger(__name__)

# Worth trying again later; a refused recipient address is not (it is logged and skipped).
RETRYABLE_EMAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, ConnectionError, TimeoutError)


@dataclass
class SendResult:
    sent: int = 0
    already_sent: int = 0
    refused: list[str] = field(default_factory=list)
    skipped: int = 0
    unconfirmed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [f"{self.sent} sent", f"{self.already_sent} already sent earlier"]
        if self.skipped:
            parts.append(f"{self.skipped} not due")
        if self.refused:
            parts.append(f"{len(self.refused)} refused by the mail server ({', '.join(self.refused[:5])})")
        if self.unconfirmed:
            parts.append(
                f"{len(self.unconfirmed)} claimed by an earlier run that never confirmed sending them, "
                f"not sent again ({', '.join(self.unconfirmed[:5])})"
            )
        return ", ".join(parts)


def _claim(
    *,
    message: EmailMultiAlternatives,
    kind: str,
    period_key: str,
    organization: Organization,
    user_id: int | None,
    now: datetime,
    wave: Wave | None,
) -> SentEmail | None:
    """The ledger row for this email, committed on its own; None when another run has it already."""
    try:
        # durable: refuse to run inside a caller's transaction, which would stay open across the send
        with transaction.atomic(durable=True):
            return SentEmail.objects.create(
                recipient=message.to[0].strip().lower(),
                kind=kind,
                period_key=period_key,
                organization=organization,
                user_id=user_id,
                wave=wave,
                subject=message.subject[:250],
                sent_at=now,
                claimed_at=timezone.now(),
            )
    except IntegrityError:
        return None


def _release(claim: SentEmail) -> None:
    """The send failed with an error, so nothing went out: drop the claim and let a retry send it."""
    SentEmail.objects.filter(pk=claim.pk, delivered_at__isnull=True).delete()


def _mark_sent(claim: SentEmail) -> None:
    claim.delivered_at = timezone.now()
    claim.save(update_fields=["delivered_at"])


def unconfirmed_claim(*, recipient: str, kind: str, period_key: str, now: datetime) -> SentEmail | None:
    """The ledger row for this email if a run claimed it long enough ago and never confirmed sending it."""
    return (
        SentEmail.objects.filter(recipient=recipient.strip().lower(), kind=kind, period_key=period_key)
        .filter(delivered_at__isnull=True, claimed_at__lt=now - timedelta(minutes=conf.email_unconfirmed_minutes()))
        .first()
    )


def email_send_once(
    *,
    message: EmailMultiAlternatives,
    kind: str,
    period_key: str,
    organization: Organization,
    user_id: int | None,
    now: datetime,
    wave: Wave | None = None,
) -> bool:
    """Send unless this recipient's email of this kind for this period is in the ledger; True when it went out.

    1. Claim: insert the ledger row in its own short transaction and commit it. A second run (a retried task,
       a second scheduler) hits the unique constraint and sends nothing; it does not wait for the first.
    2. Send, outside any transaction, so a slow mail server holds no database lock.
    3. Mark the row delivered.
    When the send raises, the claim is removed and the error goes up, so a retry sends the email. When the
    run dies between 1 and 3 (worker killed, database gone before the mark), the row stays unconfirmed and
    the email is not sent again: at most once, and `unconfirmed_claim` reports it.
    """
    claim = _claim(
        message=message, kind=kind, period_key=period_key, organization=organization, user_id=user_id, now=now, wave=wave
    )
    if claim is None:
        return False
    try:
        message.send()
    except Exception:
        _release(claim)
        raise
    _mark_sent(claim)
    return True


def deliver(result: SendResult, **kwargs: Any) -> None:
    message: EmailMultiAlternatives = kwargs["message"]
    try:
        if email_send_once(**kwargs):
            result.sent += 1
            return
    except smtplib.SMTPRecipientsRefused:
        logger.warning("The mail server refused %s; skipped.", message.to[0])
        result.refused.append(message.to[0])
        return
    result.already_sent += 1
    stuck = unconfirmed_claim(recipient=message.to[0], kind=kwargs["kind"], period_key=kwargs["period_key"], now=timezone.now())
    if stuck is not None:
        logger.warning(
            "The %s for %s (%s) was claimed at %s by a run that never confirmed sending it; it is not sent again. "
            "Check the mail server's log; delete the ledger row in the admin to let the next run send it.",
            stuck.get_kind_display(),
            stuck.recipient,
            stuck.period_key,
            stuck.claimed_at.isoformat(),
        )
        result.unconfirmed.append(message.to[0])


def recipient_for(user: Any) -> Recipient:
    return Recipient(user_id=user.pk, email=user.email.strip(), name=user.get_full_name() or user.get_username())


# --- digests ---------------------------------------------------------------------------------------------


def digest_recipients(*, organization: Organization, frequency: str) -> list[Any]:
    """Admins and team leads with an email address who have not unsubscribed and want this frequency."""
    memberships = (
        Membership.objects.filter(
            organization=organization,
            role__in=[Membership.Role.ADMIN, Membership.Role.TEAM_LEAD],
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    choices = {s.user_id: s for s in Subscription.objects.filter(organization=organization, kind=EmailKind.DIGEST)}
    default = conf.digest_default_frequency()
    users: dict[int, Any] = {}
    for membership in memberships:
        choice = choices.get(membership.user_id)
        if choice is not None and choice.unsubscribed_at is not None:
            continue
        if ((choice.frequency if choice else "") or default) == frequency:
            users[membership.user_id] = membership.user
    return list(users.values())


def digest_data(*, organization: Organization, period: Period) -> DigestData | None:
    """The organization's frames for a digest; None when it has no survey wave at all."""
    waves = waves_frame(organization)
    if waves.empty:
        return None
    everyone = organization_scope(organization)  # each reader's digest narrows to their teams (`digest_for`)
    history = score_history(everyone)
    scored = waves[waves["wave_id"].isin(set(history["wave_id"])) & (waves["opens_at"] <= period.end)]
    wave = scored.iloc[0].to_dict() if not scored.empty else None
    scores = latest_scores(everyone, wave_ids=[int(wave["wave_id"])] if wave else [])
    active = waves[(waves["closes_at"] >= period.start) & (waves["opens_at"] <= period.end)]
    participation = participation_frame(wave_ids=[int(w) for w in active["wave_id"]], team_ids=None)
    answers = cooperation_answers(everyone, wave_id=int(wave["wave_id"])) if wave else None
    perception = (
        perception_frame(scores, answers, links_frame(organization))
        if wave is not None and answers is not None
        else scores.iloc[0:0]
    )
    practices = practices_data(everyone, wave_id=int(wave["wave_id"]), now=period.end) if wave is not None else None
    table = practices.comparisons if practices is not None else None
    return DigestData(
        waves=waves,
        wave=wave,
        scores=scores,
        history=history,
        participation=participation,
        perception=perception,
        practices=practices.adoption if practices is not None and practices.adoption is not None else pd.DataFrame(),
        practice_highlights=tuple(practices.highlights) if practices is not None else (),
        practice_comparisons=practices.comparisons_made if practices is not None else 0,
        practice_teams_compared=int((table["adopters"] + table["others"]).max()) if table is not None and len(table) else 0,
    )


def digest_for(*, organization: Organization, user: Any, data: DigestData, period: Period) -> DigestContent:
    scope = scope_for(user, organization)
    data = replace(data, perception=visible_perception(data.perception, scope))
    return digest_content(
        data, scope.teams, org_wide=scope.org_wide, period=period, aspects=vocabulary().aspects, max_rows=conf.digest_max_rows()
    )


def digest_send(*, frequency: str, now: datetime, organization_ids: Iterable[int] | None = None) -> SendResult:
    """Send this period's digest to everyone who wants it at this frequency, once each."""
    period = digest_period(frequency=frequency, now=now)
    words = vocabulary()
    result = SendResult()
    organizations = Organization.objects.order_by("pk")
    if organization_ids is not None:
        organizations = organizations.filter(pk__in=list(organization_ids))
    connection = get_connection()
    for organization in organizations:
        users = digest_recipients(organization=organization, frequency=frequency)
        if not users:
            continue
        data = digest_data(organization=organization, period=period)
        if data is None:
            result.skipped += len(users)
            continue
        for user in users:
            content = digest_for(organization=organization, user=user, data=data, period=period)
            message = digest_message(
                content,
                recipient=recipient_for(user),
                organization=organization,
                aspects=words.aspects,
                levels=words.levels,
                connection=connection,
            )
            deliver(
                result,
                message=message,
                kind=EmailKind.DIGEST,
                period_key=f"org{organization.pk}:{period.frequency}:{period.key}",
                organization=organization,
                user_id=user.pk,
                now=now,
            )
    return result


def digest_preview(
    *, organization: Organization, frequency: str, now: datetime, user: Any | None = None
) -> EmailMultiAlternatives:
    """The digest an admin (or the given user) would get now, without sending it or touching the ledger."""
    period = digest_period(frequency=frequency, now=now)
    data = digest_data(organization=organization, period=period)
    if data is None:
        raise LookupError(f"{organization.name} has no survey wave yet, so there is nothing to put in a digest.")
    reader = user or _preview_reader(organization)
    content = digest_for(organization=organization, user=reader, data=data, period=period)
    words = vocabulary()
    recipient = recipient_for(reader) if reader.email else Recipient(reader.pk, "preview@localhost", reader.get_username())
    return digest_message(content, recipient=recipient, organization=organization, aspects=words.aspects, levels=words.levels)


def _preview_reader(organization: Organization) -> Any:
    from django.contrib.auth import get_user_model

    admin = Membership.objects.filter(organization=organization, role=Membership.Role.ADMIN).select_related("user").first()
    if admin is not None:
        return admin.user
    superuser = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if superuser is None:
        raise LookupError(f"{organization.name} has no admin to preview a digest for; add one, or pass a user.")
    return superuser


# --- reminders -------------------------------------------------------------------------------------------


@dataclass
class _Pending:
    user: Any
    teams: list[str] = field(default_factory=list)
    team_ids: set[int] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # a person's own links, for personal reminders


def _own_links(wave: Wave, pending: dict[str, _Pending]) -> dict[str, list[str]]:
    """Invitation links whose label is the person's email or username, not yet submitted."""
    links: dict[str, list[str]] = {}
    team_ids = {team_id for person in pending.values() for team_id in person.team_ids}
    invitations = (
        Invitation.objects.active()
        .filter(wave=wave, team_id__in=team_ids)
        .exclude(response__status=Response.Status.SUBMITTED)
        .exclude(label="")
    )
    by_label = {invitation.label.strip().casefold(): invitation for invitation in invitations}
    for email, person in pending.items():
        for label in {email, person.user.get_username().casefold()}:
            invitation = by_label.get(label)
            if invitation is not None and invitation.team_id in person.team_ids:
                links.setdefault(email, []).append(absolute(invitation.path()))
    return links


def _invited_people(wave: Wave) -> tuple[dict[str, _Pending], set[str]]:
    """People with a link of their own in the wave: those still to submit (with their open links), and every
    address with such a link (who get personal reminders or none, never their team's)."""
    invitations = (
        Invitation.objects.active()
        .filter(wave=wave)
        .for_people()
        .select_related("membership__user", "team", "response")
        .order_by("team__name", "pk")
    )
    pending: dict[str, _Pending] = {}
    known: set[str] = set()
    for invitation in invitations:
        user = invitation.membership.user if invitation.membership else None
        if user is None or not user.email.strip():
            continue
        email = user.email.strip().lower()
        known.add(email)
        response = invitation_response(invitation)
        if not user.is_active or (response is not None and response.is_submitted):
            continue
        person = pending.setdefault(email, _Pending(user=user))
        person.links.append(absolute(invitation.path()))
        if invitation.team_id not in person.team_ids:
            person.teams.append(invitation.team.name)
            person.team_ids.add(invitation.team_id)
    return pending, known


def _team_pending(wave: Wave, *, skip: set[str], unsubscribed: set[int]) -> dict[str, _Pending]:
    """Members of invited teams with no submitted answer at all, except the addresses in `skip`."""
    invited = set(wave.teams.values_list("pk", flat=True))
    answered = set(
        Response.objects.filter(wave=wave, status=Response.Status.SUBMITTED).values_list("team_id", flat=True).distinct()
    )
    missing = invited - answered
    if not missing:
        return {}
    memberships = (
        Membership.objects.filter(
            team_id__in=missing, role__in=[Membership.Role.TEAM_LEAD, Membership.Role.MEMBER], user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "team")
        .order_by("user_id", "team__name")
    )
    pending: dict[str, _Pending] = {}
    for membership in memberships:
        email = membership.user.email.strip().lower()
        if membership.user_id in unsubscribed or email in skip:
            continue
        person = pending.setdefault(email, _Pending(user=membership.user))
        if membership.team_id not in person.team_ids:
            person.teams.append(membership.team.name)
            person.team_ids.add(membership.team_id)
    for email, links in _own_links(wave, pending).items():
        pending[email].links = links
    return pending


def _unsubscribed_from_surveys(organization_id: int) -> set[int]:
    return set(
        Subscription.objects.filter(
            organization_id=organization_id, kind=EmailKind.REMINDER, unsubscribed_at__isnull=False
        ).values_list("user_id", flat=True)
    )


def _wave_reminders(wave: Wave, *, now: datetime, result: SendResult, connection: Any) -> None:
    """Personal reminders to people invited by name who have not submitted, with their own links; reminders to
    the other members of teams that have not answered at all. Both count against the same limits."""
    limit, apart = conf.reminder_max(), timedelta(days=conf.reminder_days_apart())
    unsubscribed = _unsubscribed_from_surveys(wave.organization_id)
    people, with_own_link = _invited_people(wave)
    people = {email: person for email, person in people.items() if person.user.pk not in unsubscribed}
    teams = _team_pending(wave, skip=with_own_link, unsubscribed=unsubscribed)
    if not people and not teams:
        return
    sent_before: dict[str, list[datetime]] = {}
    invited_at: dict[str, datetime] = {}
    ledger = SentEmail.objects.filter(wave=wave, kind__in=[EmailKind.REMINDER, EmailKind.INVITE])
    for recipient, kind, sent_at in ledger.values_list("recipient", "kind", "sent_at"):
        if kind == EmailKind.REMINDER:
            sent_before.setdefault(recipient, []).append(sent_at)
        else:
            invited_at[recipient] = max(sent_at, invited_at.get(recipient, sent_at))
    for personal, pending in ((True, people), (False, teams)):
        for email, person in pending.items():
            earlier = sent_before.get(email, [])
            number = len(earlier) + 1
            last_contact = max([*earlier, *([invited_at[email]] if email in invited_at else [])], default=None)
            if number > limit or (last_contact is not None and now - last_contact < apart):
                result.skipped += 1
                continue
            content = ReminderContent(
                wave_name=wave.name,
                closes_at=wave.closes_at,
                days_left=max(0, (wave.closes_at - now).days),
                teams=person.teams,
                number=number,
                limit=limit,
                links=person.links,
                personal=personal,
            )
            message = reminder_message(
                content, recipient=recipient_for(person.user), organization=wave.organization, connection=connection
            )
            deliver(
                result,
                message=message,
                kind=EmailKind.REMINDER,
                period_key=f"wave{wave.pk}:{number}",
                organization=wave.organization,
                user_id=person.user.pk,
                now=now,
                wave=wave,
            )


def reminders_send(*, now: datetime, organization_ids: Iterable[int] | None = None) -> SendResult:
    """Remind members of invited teams that have not answered an open wave: at most REPORTS_REMINDER_MAX times,
    REPORTS_REMINDER_DAYS_APART days apart, the first that many days after the wave opened, never after it closes."""
    result = SendResult()
    apart = timedelta(days=conf.reminder_days_apart())
    waves = Wave.objects.open_at(now).filter(opens_at__lte=now - apart).select_related("organization").order_by("closes_at")
    if organization_ids is not None:
        waves = waves.filter(organization_id__in=list(organization_ids))
    connection = get_connection()
    for wave in waves:
        _wave_reminders(wave, now=now, result=result, connection=connection)
    return result


# --- subscriptions ---------------------------------------------------------------------------------------

UNSUBSCRIBE_ACTIONS = ("unsubscribe", "weekly", "monthly", "resubscribe")


def subscription_update(*, request: UnsubscribeRequest, action: str, now: datetime) -> Subscription:
    """Apply a choice made from an email link: stop this kind of email, switch digest frequency, or start again."""
    if action not in UNSUBSCRIBE_ACTIONS or request.kind not in EmailKind.values:
        raise ValueError(f"Unknown choice {action!r}.")
    subscription, _ = Subscription.objects.get_or_create(
        user_id=request.user_id, organization_id=request.organization_id, kind=request.kind
    )
    if action == "unsubscribe":
        subscription.unsubscribed_at = subscription.unsubscribed_at or now
    else:
        subscription.unsubscribed_at = None
        if action in (Frequency.WEEKLY, Frequency.MONTHLY) and request.kind == EmailKind.DIGEST:
            subscription.frequency = action
    subscription.save(update_fields=["unsubscribed_at", "frequency", "updated_at"])
    return subscription
