"""Creating, revoking and lapsing waivers, each audited, each queuing a rescore of the team it touches; and
which waiver, if any, covers an evidence item."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessor.models import Repository, Team
from assessor.rescore import request_rescore
from collectors import conf
from collectors.models import Waiver, WaiverEvent
from collectors.rules import load_rules

MAX_REASON = 2000


class WaiverInvalid(ValueError):
    """The waiver asked for cannot be recorded; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class WaiverCover:
    """What an evidence item needs to know of an active waiver."""

    id: int
    team_id: int
    rule_key: str
    repository_id: int | None
    reason: str
    expires_at: datetime | None
    created_by: str


def covering(
    waivers: Sequence[WaiverCover], *, team_id: int, rule_key: str, repository_ids: Iterable[int | None]
) -> WaiverCover | None:
    """The waiver that takes an evidence item out of the count: one for the whole team and this rule, else one
    for a repository when every signal behind the item comes from that repository."""
    sources = set(repository_ids)
    for waiver in waivers:
        if waiver.team_id != team_id or waiver.rule_key != rule_key:
            continue
        if waiver.repository_id is None or sources == {waiver.repository_id}:
            return waiver
    return None


def active_covers(*, team_ids: Iterable[int] | None, now: datetime) -> list[WaiverCover]:
    """The waivers in force at `now` for these teams (all when None), team-wide ones first. One query."""
    waivers = Waiver.objects.active(now)
    if team_ids is not None:
        waivers = waivers.filter(team_id__in=list(team_ids))
    rows = waivers.order_by("repository_id", "id").values_list(
        "id", "team_id", "rule_key", "repository_id", "reason", "expires_at", "created_by__username"
    )
    ordered = sorted(rows, key=lambda row: (row[3] is not None, row[0]))
    return [WaiverCover(*row[:6], created_by=row[6] or "") for row in ordered]


def _record(waiver: Waiver, action: str, *, by: Any, at: datetime, via: str) -> None:
    user = by if getattr(by, "is_authenticated", False) else None
    WaiverEvent.objects.create(waiver=waiver, action=action, by=user, by_name=user.get_username() if user else "", at=at, via=via)


def waiver_create(
    *,
    team: Team,
    rule_key: str,
    reason: str,
    by: Any,
    expires_at: datetime | None = None,
    repository: Repository | None = None,
    via: str = "page",
    now: datetime | None = None,
) -> Waiver:
    """Record a waiver after checking it: a rule of the rules in use, a reason, an expiry still ahead, a
    repository of the team, and no waiver already in force for the same rule and place."""
    now = now or timezone.now()
    reason = reason.strip()
    rule_keys = {rule.key for rule in load_rules(conf.rules_file()).rules}
    if rule_key not in rule_keys:
        raise WaiverInvalid("rule_key", f"There is no evidence rule {rule_key!r} in the rules in use.")
    if not reason:
        raise WaiverInvalid("reason", "Say why the rule does not apply; a waiver needs a reason.")
    if len(reason) > MAX_REASON:
        raise WaiverInvalid("reason", f"Keep the reason under {MAX_REASON} characters.")
    if expires_at is not None and expires_at <= now:
        raise WaiverInvalid("expires_at", "The expiry must lie in the future.")
    if repository is not None and repository.team_id != team.pk:
        raise WaiverInvalid("repository", f"The repository {repository.name} does not belong to {team.name}.")
    same = Waiver.objects.active(now).filter(team=team, rule_key=rule_key, repository=repository)
    if same.exists():
        raise WaiverInvalid("rule_key", f"{rule_key} is already waived there; revoke that waiver first.")
    with transaction.atomic():
        waiver = Waiver.objects.create(
            team=team,
            repository=repository,
            rule_key=rule_key,
            reason=reason,
            expires_at=expires_at,
            created_by=by if getattr(by, "is_authenticated", False) else None,
            created_at=now,
        )
        _record(waiver, WaiverEvent.Action.CREATED, by=by, at=now, via=via)
        request_rescore(team_ids=[team.pk])
    return waiver


def waiver_revoke(*, waiver: Waiver, by: Any, via: str = "page", now: datetime | None = None) -> Waiver:
    """End a waiver before its expiry; the rule counts again. Revoking twice changes nothing."""
    now = now or timezone.now()
    if waiver.revoked_at is not None:
        return waiver
    with transaction.atomic():
        waiver.revoked_at = now
        waiver.revoked_by = by if getattr(by, "is_authenticated", False) else None
        waiver.save(update_fields=["revoked_at", "revoked_by"])
        _record(waiver, WaiverEvent.Action.REVOKED, by=by, at=now, via=via)
        request_rescore(team_ids=[waiver.team_id])
    return waiver


def waivers_lapse(*, now: datetime | None = None) -> int:
    """Note the waivers whose expiry has passed, audit each lapse and queue their teams' rescore; returns how
    many lapsed. Scoring ignores an expired waiver anyway: this makes sure the scores are recomputed soon after."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Waiver.objects.select_for_update()
            .filter(revoked_at__isnull=True, lapsed_at__isnull=True, expires_at__lte=now)
            .order_by("id")
        )
        if not due:
            return 0
        Waiver.objects.filter(pk__in=[waiver.pk for waiver in due]).update(lapsed_at=now)
        WaiverEvent.objects.bulk_create(
            [WaiverEvent(waiver=waiver, action=WaiverEvent.Action.LAPSED, at=now, via="schedule") for waiver in due]
        )
        request_rescore(team_ids={waiver.team_id for waiver in due})
    return len(due)
