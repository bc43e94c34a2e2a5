"""Practices and the gap as pure frames: adoption with provenance, outcomes, and comparisons with intervals."""

import numpy as np
import pandas as pd
import pytest

from assessor.scoring.cooperation import UNMET_COLUMNS
from assessor.scoring.frames import ANSWER_COLUMNS
from reports.frames.practices import (
    OUTCOME_COLUMNS,
    adoption,
    adoption_counts,
    adoption_over_waves,
    bootstrap_difference,
    comparisons,
    gap_by_domain,
    outcomes,
)
from reports.practices import read_practices

PRACTICES = read_practices().practices
NAMES = read_practices().names
LINKS = pd.DataFrame({"consumer_id": [1, 2], "provider_id": [10, 10]})


def answers(*rows):
    """(wave, team, question key, value) capability answers as ANSWER_COLUMNS."""
    frame = pd.DataFrame(
        [
            {
                "wave_id": wave,
                "team_id": team,
                "response_id": -1,
                "role": "",
                "question_key": key,
                "qtype": "single_choice",
                "aspect": None,
                "perspective": "self",
                "capability": key.split(".")[1],
                "value": value,
                "level": np.nan,
            }
            for wave, team, key, value in rows
        ],
        columns=list(ANSWER_COLUMNS),
    )
    return frame


SIGNALS = pd.DataFrame(
    [
        (1, "files.gitops", 3, "shop/deploy"),
        (1, "files.ci", 0, "shop/deploy"),  # zero files: below the threshold
        (10, "cluster.platform_apis", 4, "prod"),
        (10, "files.ci", 2, "paas/config"),
        (10, "files.injection", 1, "paas/config"),
        (2, "k8s.gitops_share", 0.4, "prod/cart"),  # under half the workloads
    ],
    columns=["team_id", "key", "value", "subject"],
)


def test_adoption_is_direct_from_own_signals_and_through_providers_from_theirs_and_from_answers():
    given = answers((7, 2, "cap.data.delivery", "self_service"), (7, 10, "cap.data.interface", "automatic"))
    rows = adoption(
        [1, 2], [7], signals=SIGNALS, answers=given, links=LINKS, practices=PRACTICES, team_names={10: "PaaS"}
    ).set_index(["team_id", "practice"])

    assert rows.loc[(1, "gitops"), ["adopted", "direct", "through_providers"]].tolist() == [True, True, False]
    assert rows.loc[(1, "gitops"), "provenance"] == ["signal files.gitops = 3 in shop/deploy"]
    assert not rows.loc[(1, "pipelines"), "adopted"] and not rows.loc[(2, "gitops"), "adopted"]
    # the provider's mesh injects into its consumers' workloads: it counts for both of them, through it
    assert rows.loc[(2, "capability_injection"), ["direct", "through_providers"]].tolist() == [False, True]
    assert rows.loc[(1, "capability_injection"), "provenance"] == ["provider PaaS: signal files.injection = 1 in paas/config"]
    # the platform APIs it offers and its own pipelines say what it does, not what its consumers use
    assert not rows.loc[(2, "resource_model"), "adopted"] and not rows.loc[(2, "pipelines"), "adopted"]
    assert rows.loc[(2, "self_service"), "provenance"] == ["its respondents: answer cap.data.delivery = self_service"]

    counts = adoption_counts(rows.reset_index(), NAMES).set_index("practice")
    injection = counts.loc["capability_injection", ["direct", "through_providers_only", "not_adopted", "teams"]]
    assert injection.tolist() == [0, 2, 0, 2]
    assert counts.loc["gitops", "share"] == 0.5


def test_how_capabilities_reach_a_team_shows_its_practices_directly_without_any_repository():
    given = answers(
        (7, 1, "cap.data.mechanism", "kubernetes_api"),
        (7, 1, "cap.messaging.mechanism", "git"),
        (7, 2, "cap.data.mechanism", "ticket"),
    )
    no_signals = SIGNALS.iloc[0:0]
    rows = adoption([1, 2], [7], signals=no_signals, answers=given, links=LINKS, practices=PRACTICES).set_index(
        ["team_id", "practice"]
    )
    assert rows.loc[(1, "resource_model"), ["adopted", "direct"]].tolist() == [True, True]
    assert rows.loc[(1, "operators"), "provenance"] == ["its respondents: answer cap.data.mechanism = kubernetes_api"]
    assert rows.loc[(1, "gitops"), "provenance"] == ["its respondents: answer cap.messaging.mechanism = git"]
    assert not rows.loc[2, "adopted"].any()  # tickets show no practice


def test_a_stray_answer_among_many_does_not_make_the_team_an_adopter():
    three_tickets = [(7, 1, "cap.data.delivery", "ticket")] * 3
    rows = adoption(
        [1],
        [7],
        signals=SIGNALS.iloc[0:0],
        answers=answers(*three_tickets, (7, 1, "cap.data.delivery", "self_service")),
        links=LINKS,
        practices=PRACTICES,
    ).set_index("practice")
    assert not rows.loc["self_service", "adopted"]
    half = adoption(
        [1],
        [7],
        signals=SIGNALS.iloc[0:0],
        answers=answers(*three_tickets[:1], (7, 1, "cap.data.delivery", "self_service")),
        links=LINKS,
        practices=PRACTICES,
    ).set_index("practice")
    assert half.loc["self_service", "provenance"] == ["its respondents: answer cap.data.delivery = self_service (1 of 2 answers)"]


def test_outcomes_are_computed_per_team_and_wave_by_hand():
    given = answers(
        (7, 1, "cap.data.need", "need_yes"),
        (7, 1, "cap.data.delivery", "ticket"),
        (7, 1, "cap.data.wait", "weeks"),
        (7, 1, "cap.security.need", "need_yes"),
        (7, 1, "cap.security.delivery", "self_service"),
        (7, 1, "cap.security.wait", "days"),
        (7, 1, "cap.security.wait", "hours"),
        (7, 2, "cap.data.need", "need_no"),
    )
    unmet = pd.DataFrame([(7, 1, "data", "no_provider", "ticket", "weeks")], columns=UNMET_COLUMNS)
    scores = pd.DataFrame(
        [
            (7, 1, "interfaces", 2.0, 2),
            (7, 1, "operations", 1.5, 2),
            (7, 10, "interfaces", 3.5, 3),
            (7, 10, "operations", 2.5, 3),
        ],
        columns=["wave_id", "team_id", "aspect", "score", "level"],
    )
    frame = outcomes([1, 2], answers=given, unmet=unmet, scores=scores, links=LINKS)
    assert list(frame.columns) == OUTCOME_COLUMNS
    frame = frame.set_index("team_id")

    assert frame.loc[1, "median_wait_days"] == 3.0  # 14, 3 and 0.125 days: the median is 3
    assert frame.loc[1, "ticket_share"] == 0.5
    assert frame.loc[1, "unmet_needs"] == 1.0
    assert frame.loc[1, "perception_gap"] == pytest.approx(((3.5 - 2.0) + (2.5 - 1.5)) / 2)
    assert frame.loc[1, ["interfaces_level", "operations_level"]].tolist() == [2.0, 2.0]
    assert frame.loc[2].drop("wave_id").isna().all()  # needs nothing, no scores: unknown, never zero


def test_the_bootstrap_interval_is_seeded_and_covers_the_difference():
    adopters, others = [1, 2, 2, 3, 3, 3, 4], [5, 6, 6, 7, 8, 9]
    first = bootstrap_difference(adopters, others, statistic="median")
    assert first == bootstrap_difference(adopters, others, statistic="median")
    difference, low, high = first
    assert difference == 3 - 6.5
    assert low <= difference <= high < 0


def test_swapping_the_groups_flips_the_sign():
    adopters, others = [0.1, 0.5, 0.2, 0.9, 0.4], [0.8, 0.7, 0.95, 0.6, 0.3, 0.85]
    forward, backward = bootstrap_difference(adopters, others), bootstrap_difference(others, adopters)
    assert forward[0] == pytest.approx(-backward[0])
    assert forward[1] < forward[0] < forward[2] and backward[1] < backward[0] < backward[2]


def test_a_constant_outcome_gives_zero_difference_and_a_zero_interval():
    assert bootstrap_difference([2.0] * 6, [2.0] * 9) == (0.0, 0.0, 0.0)


def frames_for(adopting, not_adopting, waits_adopting, waits_others):
    teams = adopting + not_adopting
    rows = pd.DataFrame(
        [(7, team, "gitops", team in adopting, team in adopting, False, []) for team in teams],
        columns=["wave_id", "team_id", "practice", "adopted", "direct", "through_providers", "provenance"],
    )
    waits = dict(zip(adopting, waits_adopting, strict=True)) | dict(zip(not_adopting, waits_others, strict=True))
    outcome = pd.DataFrame({"wave_id": 7, "team_id": teams, "median_wait_days": [waits[t] for t in teams]})
    for column in OUTCOME_COLUMNS[3:]:
        outcome[column] = np.nan
    return rows, outcome


def test_a_comparison_with_enough_teams_is_worded_as_an_association():
    rows, outcome = frames_for(list(range(1, 7)), list(range(7, 13)), [3, 3, 3, 0.125, 3, 14], [14, 14, 60, 3, 14, 14])
    table = comparisons(rows, outcome, {"gitops": "GitOps"}).set_index("outcome")

    wait = table.loc["median_wait_days"]
    assert bool(wait["enough"]) and (wait["adopters"], wait["others"]) == (6, 6)
    assert wait["difference"] == 3 - 14
    assert wait["sentence"].startswith("Teams using GitOps waited a median 11.0 days less than the other teams (95% interval")
    assert "6 and 6 teams" in wait["sentence"] and "not a cause" in wait["sentence"]
    assert not any(word in wait["sentence"] for word in ("because", "causes", "leads to", "reduces"))
    # the other outcomes have no values at all: neither group has teams
    assert table.loc["ticket_share", "sentence"].startswith("Not enough teams to compare (0 adopting, 0 not")


def test_a_group_below_the_minimum_says_not_enough_teams():
    rows, outcome = frames_for([1, 2, 3, 4], list(range(5, 12)), [3, 3, 3, 3], [14] * 7)
    wait = comparisons(rows, outcome, {"gitops": "GitOps"}).set_index("outcome").loc["median_wait_days"]
    assert not bool(wait["enough"]) and pd.isna(wait["difference"])
    assert wait["sentence"] == "Not enough teams to compare (4 adopting, 7 not; at least 5 each)."


def test_the_gap_by_domain_counts_teams_with_an_unmet_need_or_a_wait_over_a_week():
    given = answers(
        (7, 1, "cap.data.need", "need_yes"),
        (7, 1, "cap.data.wait", "months"),
        (7, 2, "cap.data.need", "need_yes"),
        (7, 2, "cap.data.wait", "days"),
        (7, 2, "cap.security.need", "need_yes"),
    )
    unmet = pd.DataFrame([(7, 2, "security", "no_provider", None, None)], columns=UNMET_COLUMNS)
    table = gap_by_domain(given, unmet, [1, 2], {"data": "Data", "security": "Security"}).set_index("capability")
    assert table.loc["data", ["teams_needing", "unmet_or_slow", "share"]].tolist() == [2, 1, 0.5]
    assert table.loc["security", "share"] == 1.0


def test_adoption_over_waves_counts_the_organization_and_each_group_by_hand():
    rows = pd.DataFrame(
        [
            # wave 1: team 1 uses GitOps; wave 2: teams 1 and 2 do; team 3 (no group) never does
            (1, 1, "gitops", True),
            (1, 2, "gitops", False),
            (1, 3, "gitops", False),
            (2, 1, "gitops", True),
            (2, 2, "gitops", True),
            (2, 3, "gitops", False),
        ],
        columns=["wave_id", "team_id", "practice", "adopted"],
    )
    trend = adoption_over_waves(rows, {1: "Shop", 2: "Ops", 3: ""}, {"gitops": "GitOps"}, {1: "Spring", 2: "Autumn"})
    table = [tuple(row) for row in trend[["wave", "group", "adopters", "teams"]].itertuples(index=False)]
    assert table == [
        ("Spring", "Whole organization", 1, 3),
        ("Autumn", "Whole organization", 2, 3),
        ("Spring", "Ops", 0, 1),
        ("Autumn", "Ops", 1, 1),
        ("Spring", "Shop", 1, 1),
        ("Autumn", "Shop", 1, 1),
    ]
    assert trend["share"].round(3).tolist()[:2] == [0.333, 0.667]
