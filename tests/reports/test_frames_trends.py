from datetime import timedelta

import pandas as pd

from reports.frames import ANNOTATION_COLUMNS
from reports.frames.trends import (
    annotations_for,
    biggest_changes,
    combine_annotations,
    first_results,
    level_distribution,
    rubric_annotations,
    trend_frame,
)
from tests.reports.build import ASPECTS, T0, score, scores, teams, waves

TEAMS = teams((1, "Checkout", "application", 1), (2, "Billing", "application", 1), (3, "Platform", "platform", None))
WAVES = waves((1, "Spring", 0), (2, "Autumn", 180))


def test_it_weighs_teams_by_respondents_in_the_organization_trend():
    rows = scores(
        score(1, "investment", 1.0, respondents=1, wave_id=1),
        score(2, "investment", 3.0, respondents=3, wave_id=1),
        score(1, "investment", 2.0, respondents=1, wave_id=2),
    )

    trend = trend_frame(rows, WAVES, TEAMS, ASPECTS)

    assert list(trend["wave"]) == ["Spring", "Autumn"]
    assert list(trend["score"]) == [2.5, 2.0]
    assert list(trend["teams"]) == [2, 1]
    assert list(trend["respondents"]) == [4, 1]


def test_it_follows_one_group_or_one_team():
    rows = scores(score(1, "adoption", 1.5), score(3, "adoption", 3.5), score(1, "adoption", 2.6, wave_id=2))

    group = trend_frame(rows, WAVES, TEAMS, ASPECTS, scope="group", key=1)
    team = trend_frame(rows, WAVES, TEAMS, ASPECTS, scope="team", key=1)

    assert list(group["score"]) == [1.5, 2.6]
    assert list(team["level"]) == [2, 3]


def test_it_leaves_out_teams_the_reader_cannot_see():
    rows = scores(score(1, "adoption", 1.0), score(2, "adoption", 4.0))

    trend = trend_frame(rows, WAVES, TEAMS[TEAMS["team_id"] == 1], ASPECTS)

    assert list(trend["score"]) == [1.0]


def test_it_counts_teams_at_each_level():
    distribution = level_distribution(
        scores(score(1, "investment", 1.0), score(2, "investment", 2.0), score(3, "investment", 2.2)), ASPECTS
    )

    investment = distribution[distribution["aspect"] == "investment"].set_index("level")
    assert list(investment["teams"]) == [1, 2, 0, 0]
    assert investment.loc[2, "share"] == 66.7
    assert distribution[distribution["aspect"] == "adoption"]["share"].sum() == 0


def history(*rows: tuple[int, int, str, float, int]) -> pd.DataFrame:
    """(wave_id, team_id, aspect, score, days after T0 computed)."""
    return pd.DataFrame(
        [
            {"wave_id": w, "team_id": t, "aspect": a, "score": s, "level": round(s), "computed_at": T0 + timedelta(days=d)}
            for w, t, a, s, d in rows
        ]
    )


def test_it_finds_the_biggest_changes_since_the_period_began():
    past = history(
        (1, 1, "investment", 1.5, 5),
        (1, 2, "investment", 2.0, 5),
        (2, 1, "investment", 2.5, 185),  # a new wave's result counts as a change from the wave before
        (1, 2, "investment", 1.75, 186),  # a later response changed an earlier wave's score
        (2, 3, "investment", 3.0, 186),  # first results: not a change
    )

    changes = biggest_changes(past, WAVES, TEAMS, since=T0 + timedelta(days=180), now=T0 + timedelta(days=190))

    assert list(zip(changes["team"], changes["change"], strict=True)) == [("Checkout", 1.0), ("Billing", -0.25)]
    assert list(changes["level_before"]) == [2, 2]
    assert first_results(past, WAVES, since=T0 + timedelta(days=180), now=T0 + timedelta(days=190)) == [3]


def test_a_move_within_the_newest_wave_is_a_change_for_a_team_with_two_waves_of_history():
    past = history(
        (1, 1, "investment", 1.5, 5),
        (2, 1, "investment", 1.0, 181),
        (2, 1, "investment", 2.0, 185),  # a second response in the same wave, inside the period
    )

    changes = biggest_changes(past, WAVES, TEAMS, since=T0 + timedelta(days=183), now=T0 + timedelta(days=190))

    assert changes[["team", "score_before", "score", "wave_id_before", "wave_id"]].to_dict("records") == [
        {"team": "Checkout", "score_before": 1.0, "score": 2.0, "wave_id_before": 2, "wave_id": 2}
    ]
    assert first_results(past, WAVES, since=T0 + timedelta(days=183), now=T0 + timedelta(days=190)) == []


def test_scores_all_computed_during_the_period_still_show_moves_and_are_not_first_results():
    """A snapshot's time is when it was computed: after a fresh load or a new rubric every wave's scores
    are computed inside the period, though the closed wave's answers are months old."""
    past = history(
        (1, 1, "investment", 1.0, 184),  # both waves computed together, the first wave closed long ago
        (2, 1, "investment", 1.0, 184),
        (2, 1, "investment", 2.0, 186),  # then a submission moved the team within the open wave
        (1, 2, "investment", 2.0, 184),
        (2, 2, "investment", 2.5, 186),  # a first result in the new wave, against the wave before
        (2, 3, "investment", 3.0, 185),  # only ever in the open wave: a first result, even when it moves
        (2, 3, "investment", 3.5, 187),
    )
    since, now = T0 + timedelta(days=183), T0 + timedelta(days=190)

    changes = biggest_changes(past, WAVES, TEAMS, since=since, now=now)

    assert list(zip(changes["team"], changes["score_before"], changes["score"], strict=True)) == [
        ("Checkout", 1.0, 2.0),
        ("Billing", 2.0, 2.5),
    ]
    assert list(changes["wave_id_before"]) == [2, 1]
    assert first_results(past, WAVES, since=since, now=now) == [3]


def test_it_reports_no_change_when_nothing_moved():
    past = history((1, 1, "investment", 1.5, 5))

    assert biggest_changes(past, WAVES, TEAMS, since=T0 + timedelta(days=10), now=T0 + timedelta(days=20)).empty


def test_it_shows_organization_annotations_everywhere_and_scoped_ones_where_they_belong():
    notes = pd.DataFrame(
        [
            {"date": T0, "label": "Portal launched", "kind": "event", "team_id": None, "group_id": None},
            {"date": T0, "label": "Shop reorganized", "kind": "event", "team_id": None, "group_id": 1},
            {"date": T0, "label": "Checkout migrated", "kind": "event", "team_id": 1, "group_id": None},
        ],
        columns=ANNOTATION_COLUMNS,
    )

    def labels(**kwargs):
        return list(annotations_for(notes, **kwargs)["label"])

    assert labels(scope="organization", key=None) == ["Portal launched"]
    assert labels(scope="group", key=1) == ["Portal launched", "Shop reorganized"]
    assert labels(scope="team", key=1, group_id=1) == ["Portal launched", "Shop reorganized", "Checkout migrated"]
    assert labels(scope="team", key=2, group_id=None) == ["Portal launched"]


def test_it_marks_each_rubric_change_but_not_the_first_rubric():
    firsts = pd.DataFrame({"rubric_version": ["1", "2"], "first_computed_at": [T0, T0 + timedelta(days=40)]})

    notes = combine_annotations(rubric_annotations(firsts))

    assert list(notes["label"]) == ["Scoring rubric 2 applied"]
    assert list(notes["kind"]) == ["rubric"]
    assert rubric_annotations(firsts.head(1)).empty
