"""Delivery metrics (the four DORA keys) from whatever counts as a deploy, each labelled with what it is.

The fallback order: the first one with an event inside the window wins (an old release does not make
releases the basis while pull requests are merged every day); when none has, the first with any event:
1. `deployments`: GitHub deployments to a production-like environment, with their latest status;
2. `deploy_workflow_runs`: completed runs of workflows whose name or file says deploy, release or publish;
3. `releases`: published GitHub releases;
4. `tags`: git tags (local scans only: GitHub's tag list carries no dates, so the GitHub collector skips it);
5. `merges`: pull requests merged into the default branch (or merge commits, in a local scan).
Change failure rate and time to restore need outcomes, so only the first two can give them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from collectors.records import SignalRecord

BASES = {
    "deployments": "successful deployments recorded on GitHub",
    "deploy_workflow_runs": "successful runs of deploy workflows",
    "releases": "published releases",
    "tags": "tags",
    "merges": "merges to the default branch",
}
WINDOW_DAYS = 90
MIN_OUTCOMES = 3


@dataclass(frozen=True)
class DeliveryEvent:
    at: datetime
    outcome: str | None = None  # "success", "failure", or None when unknown
    sha: str = ""


@dataclass(frozen=True)
class MergedChange:
    opened_at: datetime
    merged_at: datetime
    sha: str = ""


def in_window(events: Sequence[DeliveryEvent], *, now: datetime, window_days: int = WINDOW_DAYS) -> list[DeliveryEvent]:
    since = now - timedelta(days=window_days)
    return [e for e in events if e.at >= since]


def basis_choose(
    candidates: Sequence[tuple[str, Sequence[DeliveryEvent]]], *, now: datetime, window_days: int = WINDOW_DAYS
) -> tuple[str, Sequence[DeliveryEvent]] | None:
    """The (basis, events) that counts: the first in fallback order with an event inside the window, else the
    first with any event at all (it then reports 0 deploys a week), else None."""
    for basis, events in candidates:
        if in_window(events, now=now, window_days=window_days):
            return basis, events
    return next(((basis, events) for basis, events in candidates if events), None)


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def delivery_signals(
    basis: str,
    events: Sequence[DeliveryEvent],
    changes: Sequence[MergedChange] = (),
    *,
    now: datetime,
    endpoint: str,
    window_days: int = WINDOW_DAYS,
) -> list[SignalRecord]:
    """Signals for the events of one basis; nothing when there are no events at all (delivery unknown)."""
    if basis not in BASES:
        raise ValueError(f"Unknown delivery basis {basis!r}")
    if not events:
        return []
    since = now - timedelta(days=window_days)
    recent = sorted((e for e in events if e.at >= since), key=lambda e: e.at)
    deploys = [e for e in recent if e.outcome != "failure"]
    common = {"basis": basis, "counts_as_deploy": BASES[basis], "window_days": window_days}
    signals = [
        SignalRecord("delivery.basis", basis, detail=common, endpoint=endpoint),
        SignalRecord(
            "delivery.deploys_per_week",
            round(len(deploys) / (window_days / 7), 2),
            detail={**common, "deploys": len(deploys)},
            endpoint=endpoint,
        ),
    ]
    available = 1

    lead_times = _lead_times(basis, deploys, changes, since)
    if lead_times:
        available += 1
        measured = "pull request opened to merge" if basis == "merges" else "pull request opened to the first deploy after merge"
        signals.append(
            SignalRecord(
                "delivery.lead_time_hours",
                round(statistics.median(lead_times), 1),
                detail={**common, "changes": len(lead_times), "measured": measured},
                endpoint=endpoint,
            )
        )

    outcomes = [e for e in recent if e.outcome in ("success", "failure")]
    if len(outcomes) >= MIN_OUTCOMES:
        failures = [e for e in outcomes if e.outcome == "failure"]
        available += 1
        signals.append(
            SignalRecord(
                "delivery.change_failure_rate",
                round(len(failures) / len(outcomes), 3),
                detail={**common, "failures": len(failures), "outcomes": len(outcomes)},
                endpoint=endpoint,
            )
        )
        restores = _restore_times(outcomes)
        if restores:
            available += 1
            signals.append(
                SignalRecord(
                    "delivery.time_to_restore_hours",
                    round(statistics.median(restores), 1),
                    detail={**common, "incidents": len(restores)},
                    endpoint=endpoint,
                )
            )
    signals.append(SignalRecord("delivery.metrics_available", available, detail=common, endpoint=endpoint))
    return signals


def _lead_times(basis: str, deploys: Sequence[DeliveryEvent], changes: Sequence[MergedChange], since: datetime) -> list[float]:
    recent_changes = [c for c in changes if c.merged_at >= since and c.merged_at >= c.opened_at]
    if basis == "merges":
        return [_hours(c.merged_at - c.opened_at) for c in recent_changes]
    times = []
    for change in recent_changes:
        first = next((d for d in deploys if d.at >= change.merged_at), None)
        if first is not None:
            times.append(_hours(first.at - change.opened_at))
    return times


def _restore_times(outcomes: Sequence[DeliveryEvent]) -> list[float]:
    times = []
    failing_since: datetime | None = None
    for event in outcomes:
        if event.outcome == "failure" and failing_since is None:
            failing_since = event.at
        elif event.outcome == "success" and failing_since is not None:
            times.append(_hours(event.at - failing_since))
            failing_since = None
    return times
