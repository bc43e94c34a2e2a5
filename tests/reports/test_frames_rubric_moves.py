"""Where a movement between waves comes from, when the waves were first reported under different rubrics."""

from datetime import timedelta

import pandas as pd

from reports.frames.rubric_moves import first_reported, rubric_firsts_of, rubric_moves
from tests.reports.build import T0

WAVES = {1: ("Spring", T0), 2: ("Autumn", T0 + timedelta(days=180)), 3: ("Winter", T0 + timedelta(days=270))}


def levels(rows, *, rubric_of=None):
    """(wave_id, aspect, level) rows as a trend frame; with `rubric_of`, as first reported."""
    frame = pd.DataFrame(
        [{"wave_id": w, "wave": WAVES[w][0], "opens_at": WAVES[w][1], "aspect": a, "level": lv} for w, a, lv in rows]
    )
    return frame.assign(rubric_version=frame["wave_id"].map(rubric_of)) if rubric_of else frame


def causes(reported_rows, same_rows, rubric_of):
    moves = rubric_moves(levels(reported_rows, rubric_of=rubric_of), levels(same_rows), version="2")
    return dict(zip(moves["aspect"], moves["cause"], strict=True))


def test_each_kind_of_movement_is_named():
    rubric_of = {1: "1", 2: "2"}
    reported = [(1, "adoption", 3), (2, "adoption", 2), (1, "interfaces", 2), (2, "interfaces", 3),
                (1, "operations", 1), (2, "operations", 3), (1, "measurement", 2), (2, "measurement", 2),
                (1, "investment", 2), (2, "investment", 2)]  # fmt: skip
    same = [(1, "adoption", 2), (2, "adoption", 2), (1, "interfaces", 2), (2, "interfaces", 3),
            (1, "operations", 1), (2, "operations", 2), (1, "measurement", 1), (2, "measurement", 2),
            (1, "investment", 2), (2, "investment", 2)]  # fmt: skip
    found = causes(reported, same, rubric_of)
    assert found["adoption"].startswith("the rubric change")
    assert found["interfaces"].startswith("the team")
    assert found["operations"] == "partly the rubric change: under one rubric the move is +1"
    assert found["measurement"] == "the team, hidden by the rubric change: under one rubric the move is +1"
    assert "investment" not in found  # moved under neither view


def test_waves_under_one_rubric_give_no_row():
    rubric_of = {1: "2", 2: "2", 3: "2"}
    rows = [(1, "adoption", 1), (2, "adoption", 2), (3, "adoption", 3)]
    assert rubric_moves(levels(rows, rubric_of=rubric_of), levels(rows), version="2").empty


def test_only_the_pair_across_the_change_is_compared():
    rubric_of = {1: "1", 2: "1", 3: "2"}
    reported = [(1, "adoption", 1), (2, "adoption", 2), (3, "adoption", 2)]
    same = [(1, "adoption", 1), (2, "adoption", 1), (3, "adoption", 2)]
    moves = rubric_moves(levels(reported, rubric_of=rubric_of), levels(same), version="2")
    assert moves[["wave_before", "wave"]].values.tolist() == [["Autumn", "Winter"]]
    assert moves.loc[0, "cause"] == "the team, hidden by the rubric change: under one rubric the move is +1"


def test_a_wave_without_scores_under_the_rubric_cannot_be_told():
    found = causes([(1, "adoption", 3), (2, "adoption", 2)], [(2, "adoption", 2)], {1: "1", 2: "2"})
    assert found["adoption"] == "cannot tell: a wave has no scores under rubric 2"


def test_a_wave_is_reported_under_the_rubric_of_its_earliest_scores():
    rows = pd.DataFrame(
        {
            "wave_id": [1, 1, 2],
            "rubric_version": ["2", "1", "2"],
            "first_computed_at": [T0 + timedelta(days=300), T0 + timedelta(days=5), T0 + timedelta(days=200)],
        }
    )
    assert first_reported(rows) == {1: "1", 2: "2"}
    firsts = rubric_firsts_of(rows).set_index("rubric_version")["first_computed_at"].to_dict()
    assert firsts == {"1": T0 + timedelta(days=5), "2": T0 + timedelta(days=200)}
    assert first_reported(rows.iloc[0:0]) == {}
