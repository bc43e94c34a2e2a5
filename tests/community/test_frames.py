"""The community's aggregates, by hand-computed cases: pure functions, no database."""

from __future__ import annotations

from typing import Any

import pandas as pd

from community.frames import (
    WITHHELD_ORGS,
    WITHHELD_RESPONDENTS,
    WITHHELD_REVEALING,
    Period,
    ReleaseFacts,
    Thresholds,
    benchmark_levels,
    community_report,
    current_releases,
    in_period,
    report_with_changes,
)

LIMITS = Thresholds(min_orgs=3, k=5)
YEAR = Period(2026, 2026)


def levels(aspect: str, *counts: int | None) -> dict[str, Any]:
    names = ("level_1", "level_2", "level_3", "level_4", "no_answer")
    present = [c for c in counts if c is not None]
    return {
        "aspect": aspect,
        "team_kind": "all",
        "total": sum(present),
        "cells": [{"category": name, "count": count, "share": None} for name, count in zip(names, counts, strict=True)],
    }


def cooperation(capability: str, need_yes: int | None, unmet: int | None) -> list[dict[str, Any]]:
    return [
        {"capability": capability, "measure": "need", "team_kind": "application", "total": 20,
         "cells": [{"category": "need_yes", "count": need_yes}, {"category": "need_no", "count": 10}]},
        {"capability": capability, "measure": "unmet", "team_kind": "application", "total": need_yes,
         "cells": [{"category": "unmet", "count": unmet, "share": None}]},
    ]  # fmt: skip


def document(respondents: int, level_tables: list[dict[str, Any]], coop: list[dict[str, Any]] | None = None, **extra: Any):
    return {
        "respondents": [{"team_kind": "application", "count": None}, {"team_kind": "all", "count": respondents}],
        "level_distribution": level_tables,
        "cooperation": coop or [],
        **extra,
    }


def release(org: str, doc: dict[str, Any], *, wave: str = "w1", number: int = 1, closed_in: str = "2026-05") -> ReleaseFacts:
    return ReleaseFacts(organization=org, wave=wave, number=number, closed_in=closed_in, document=doc)


def row(frame: pd.DataFrame, **match: Any) -> dict[str, Any]:
    for column, value in match.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, frame
    return frame.iloc[0].to_dict()


def three_orgs() -> list[ReleaseFacts]:
    # level_4 is covered by Bravo and Charlie only: 5 + 5 respondents from two organizations.
    return [
        release("Alpha", document(25, [levels("investment", 5, 10, 5, None, 5)])),
        release("Bravo", document(30, [levels("investment", 10, 5, 5, 5, 5)])),
        release("Charlie", document(30, [levels("investment", 5, 5, 10, 5, 5)])),
    ]


def test_a_cell_covered_by_two_organizations_is_withheld_and_so_is_the_cell_that_would_reveal_it():
    report = community_report(three_orgs(), YEAR, LIMITS)
    table = report.levels
    # sums over the organizations: 20, 20, 20, 10 (two organizations), 15; total 85
    assert row(table, category="level_4")["status"] == WITHHELD_ORGS
    assert pd.isna(row(table, category="level_4")["respondents"])
    # total 85 - (20 + 20 + 20 + 15) would give level_4 = 10: the smallest published part, no_answer, goes too
    assert row(table, category="no_answer")["status"] == WITHHELD_REVEALING
    assert pd.isna(row(table, category="no_answer")["respondents"])
    assert [row(table, category=c)["respondents"] for c in ("level_1", "level_2", "level_3")] == [20, 20, 20]
    assert report.organizations == 3 and report.respondents == 85


def test_with_the_organization_minimum_at_two_the_same_cell_is_published():
    report = community_report(three_orgs(), YEAR, Thresholds(min_orgs=2, k=5))
    assert row(report.levels, category="level_4")["respondents"] == 10
    assert row(report.levels, category="no_answer")["respondents"] == 15


def test_shares_are_weighted_by_respondents_and_by_organization():
    report = community_report(three_orgs(), Period(2026, 2026), Thresholds(min_orgs=2, k=5))
    level_1 = row(report.levels, category="level_1")
    # by respondents: 20 of the 70 with a level (85 - 15 without) = 28.6 %
    assert level_1["share"] == 28.6
    # by organization: Alpha 5/25, Bravo 10/30, Charlie 5/30 -> (0.2 + 0.3333 + 0.1667) / 3 = 23.3 %
    assert level_1["org_share"] == 23.3
    assert level_1["organizations"] == 3


def test_a_cell_below_the_respondent_minimum_is_withheld_even_across_enough_organizations():
    releases = [release(o, document(25, [levels("adoption", 5, 5, 5, 5, 5)])) for o in ("A", "B", "C")]
    report = community_report(releases, YEAR, Thresholds(min_orgs=3, k=20))
    # every cell covers three organizations but only 15 respondents; the total (75) stays
    assert row(report.levels, category="level_1")["status"] == WITHHELD_RESPONDENTS
    assert report.respondents == 75


def test_a_new_release_of_the_same_wave_supersedes_the_older_one():
    old = release("Alpha", document(10, [levels("investment", 5, 5, None, None, None)]), number=1)
    new = release("Alpha", document(20, [levels("investment", 5, 5, 5, 5, None)]), number=2)
    assert current_releases([new, old]) == [new]


def test_each_organization_counts_once_per_period_through_its_newest_wave():
    spring = release("Alpha", document(10, []), wave="spring", closed_in="2026-03")
    autumn = release("Alpha", document(20, []), wave="autumn", closed_in="2026-10")
    last_year = release("Alpha", document(30, []), wave="old", closed_in="2025-10")
    assert in_period([spring, autumn, last_year], YEAR) == [autumn]
    assert in_period([spring, autumn, last_year], Period(2025, 2026)) == [autumn]
    assert in_period([spring, autumn, last_year], Period(2025, 2025)) == [last_year]


def test_the_gap_per_capability_needs_both_minimums():
    releases = [
        release("A", document(30, [], cooperation("data", 10, 5))),
        release("B", document(30, [], cooperation("data", 10, 5))),
        release("C", document(30, [], cooperation("data", 10, None))),
    ]
    gaps = community_report(releases, YEAR, LIMITS).gaps
    # Charlie withheld its unmet count, so the gap rests on Alpha and Bravo only: two organizations
    gap = row(gaps, capability="data")
    assert pd.isna(gap["needing"]) and pd.isna(gap["unmet"]) and gap["status"] == WITHHELD_ORGS
    releases[2] = release("C", document(30, [], cooperation("data", 10, 5)))
    gap = row(community_report(releases, YEAR, LIMITS).gaps, capability="data")
    assert (gap["needing"], gap["unmet"], gap["unmet_share"]) == (30, 15, 50.0)


def test_a_practice_section_is_combined_like_the_levels():
    def practice(adopted: int, others: int) -> list[dict[str, Any]]:
        cells = [{"category": "adopted", "count": adopted}, {"category": "not_adopted", "count": others}]
        return [{"practice": "gitops", "measure": "adoption", "team_kind": "all", "total": adopted + others, "cells": cells}]

    releases = [release(o, document(20, [], practices=practice(5, 10))) for o in ("A", "B", "C")]
    table = community_report(releases, YEAR, LIMITS).practices
    adopted = row(table, practice="gitops", category="adopted")
    assert (adopted["respondents"], adopted["share"], adopted["organizations"]) == (15, 33.3, 3)


def test_the_change_from_the_previous_period_is_in_percentage_points():
    def year(closed_in: str, first: int) -> list[ReleaseFacts]:
        return [
            release(o, document(30, [levels("investment", first, 15 - first, 5, 5, 5)]), wave=closed_in, closed_in=closed_in)
            for o in ("A", "B", "C")
        ]

    releases = [*year("2025-06", 10), *year("2026-06", 5)]
    report = report_with_changes(releases, YEAR, LIMITS)
    change = row(report.changes, aspect="investment", category="level_1")
    # 15 of the 75 with a level now (20 %), 30 of 75 a year before (40 %)
    assert (change["share"], change["previous_share"], change["change"]) == (20.0, 40.0, -20.0)


def test_benchmark_levels_need_every_level_published():
    report = community_report(three_orgs(), YEAR, Thresholds(min_orgs=2, k=5))
    assert benchmark_levels(report) == {"investment": [28.6, 28.6, 28.6, 14.2]}
    assert benchmark_levels(community_report(three_orgs(), YEAR, LIMITS)) is None


def test_a_practice_section_given_as_an_object_of_tables_is_read_too():
    cells = [{"category": "adopted", "count": 10}, {"category": "not_adopted", "count": 5}]
    section = {"adoption": [{"practice": "operators", "team_kind": "application", "total": 15, "cells": cells}]}
    releases = [release(o, document(20, [], practices=section)) for o in ("A", "B", "C")]
    adopted = row(community_report(releases, YEAR, LIMITS).practices, practice="operators", category="adopted")
    assert (adopted["respondents"], adopted["share"], adopted["measure"]) == (30, 66.7, "practices.adoption")
