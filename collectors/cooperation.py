"""Cooperation signals: pull requests and issues that members of consuming app teams open in a platform repository."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from collectors.records import IssueRecord, SignalRecord, Skipped

WINDOW_DAYS = 180


def _is_bot(login: str) -> bool:
    return login.lower().endswith("[bot]")


def _median_hours(pairs: Iterable[tuple[datetime, datetime | None]]) -> float | None:
    hours = [(end - start).total_seconds() / 3600 for start, end in pairs if end is not None and end >= start]
    return round(statistics.median(hours), 1) if hours else None


def cooperation_signals(
    pulls: Sequence[IssueRecord],
    issues: Sequence[IssueRecord],
    *,
    consumer_logins: Iterable[str],
    now: datetime,
    pulls_endpoint: str,
    issues_endpoint: str,
    window_days: int = WINDOW_DAYS,
) -> tuple[list[SignalRecord], list[Skipped]]:
    """How much consuming teams take part in a platform repository, and how fast their contributions land.

    A person counts as a consumer when their GitHub login is the one recorded on their membership of a
    consuming team (or, where none is recorded, their username in this service).
    """
    consumers = {login.lower() for login in consumer_logins if login}
    if not consumers:
        return [], [
            Skipped(
                "coop.*",
                "no member of a consuming team has a username here that could match a GitHub login",
            )
        ]
    since = now - timedelta(days=window_days)
    detail = {"window_days": window_days, "consumers_known": len(consumers)}
    signals: list[SignalRecord] = []

    recent_pulls = [p for p in pulls if p.created_at and p.created_at >= since and not _is_bot(p.author)]
    by_consumers = [p for p in recent_pulls if p.author.lower() in consumers]
    signals.append(SignalRecord("coop.consumer_prs_180d", len(by_consumers), detail=detail, endpoint=pulls_endpoint))
    if recent_pulls:
        signals.append(
            SignalRecord(
                "coop.consumer_pr_share",
                round(len(by_consumers) / len(recent_pulls), 3),
                detail={**detail, "pull_requests": len(recent_pulls)},
                endpoint=pulls_endpoint,
            )
        )
    merge_hours = _median_hours((p.created_at, p.merged_at) for p in by_consumers if p.created_at)
    if merge_hours is not None:
        signals.append(SignalRecord("coop.consumer_pr_merge_hours", merge_hours, detail=detail, endpoint=pulls_endpoint))

    recent_issues = [i for i in issues if i.created_at and i.created_at >= since and not i.is_pull_request]
    consumer_issues = [i for i in recent_issues if i.author.lower() in consumers]
    signals.append(SignalRecord("coop.consumer_issues_180d", len(consumer_issues), detail=detail, endpoint=issues_endpoint))
    close_hours = _median_hours((i.created_at, i.closed_at) for i in consumer_issues if i.created_at)
    if close_hours is not None:
        signals.append(SignalRecord("coop.consumer_issue_close_hours", close_hours, detail=detail, endpoint=issues_endpoint))
    return signals, []
