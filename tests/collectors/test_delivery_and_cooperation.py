"""Delivery metrics with their fallback basis, and cooperation signals from pull requests and issues (pure)."""

from datetime import UTC, datetime, timedelta

import pytest

from collectors.cooperation import cooperation_signals
from collectors.delivery import DeliveryEvent, MergedChange, delivery_signals
from collectors.records import IssueRecord

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


def values(signals):
    return {s.key: s.value for s in signals}


def test_it_computes_all_four_delivery_metrics_from_deployments_with_outcomes():
    events = [
        DeliveryEvent(at(30), "success"),
        DeliveryEvent(at(20), "failure"),
        DeliveryEvent(at(19), "success"),
        DeliveryEvent(at(5), "success"),
        DeliveryEvent(at(200), "success"),
    ]
    changes = [MergedChange(opened_at=at(22), merged_at=at(21)), MergedChange(opened_at=at(7), merged_at=at(6))]
    got = values(delivery_signals("deployments", events, changes, now=NOW, endpoint="x"))
    assert got["delivery.basis"] == "deployments"
    assert got["delivery.deploys_per_week"] == round(3 / (90 / 7), 2)
    assert got["delivery.change_failure_rate"] == 0.25
    assert got["delivery.time_to_restore_hours"] == 24.0
    assert got["delivery.lead_time_hours"] == 60.0
    assert got["delivery.metrics_available"] == 4


def test_it_labels_merges_and_leaves_failure_metrics_unknown():
    changes = [MergedChange(opened_at=at(3), merged_at=at(2))]
    signals = delivery_signals("merges", [DeliveryEvent(at(2))], changes, now=NOW, endpoint="x")
    got = values(signals)
    assert got["delivery.metrics_available"] == 2
    assert "delivery.change_failure_rate" not in got
    assert signals[0].detail["counts_as_deploy"] == "merges to the default branch"


def test_it_gives_nothing_without_events():
    assert delivery_signals("releases", [], now=NOW, endpoint="x") == []
    with pytest.raises(ValueError):
        delivery_signals("rumours", [DeliveryEvent(NOW)], now=NOW, endpoint="x")


def issue(number, author, created, closed=None, merged=None, pr=False):
    return IssueRecord(number, "t", "", author, "", at(created), closed and at(closed), merged and at(merged), pr)


def test_it_measures_how_much_consuming_teams_take_part():
    pulls = [
        issue(1, "emma", 10, 9, 9, True),
        issue(2, "priya", 5, 4, 4, True),
        issue(3, "renovate[bot]", 3, pr=True),
        issue(4, "Noah", 2, pr=True),
    ]
    issues = [issue(5, "emma", 20, 18), issue(6, "emma", 400), issue(1, "emma", 10, pr=True)]
    signals, skipped = cooperation_signals(
        pulls, issues, consumer_logins=["emma", "noah"], now=NOW, pulls_endpoint="p", issues_endpoint="i"
    )
    got = values(signals)
    assert got["coop.consumer_prs_180d"] == 2
    assert got["coop.consumer_pr_share"] == round(2 / 3, 3)
    assert got["coop.consumer_pr_merge_hours"] == 24.0
    assert got["coop.consumer_issues_180d"] == 1
    assert got["coop.consumer_issue_close_hours"] == 48.0
    assert skipped == []


def test_it_leaves_cooperation_unknown_without_consumer_logins():
    signals, skipped = cooperation_signals(
        [issue(1, "x", 1, pr=True)], [], consumer_logins=[], now=NOW, pulls_endpoint="p", issues_endpoint="i"
    )
    assert signals == []
    assert skipped
