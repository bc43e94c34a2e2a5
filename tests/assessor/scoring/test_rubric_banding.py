"""Every field of the rubric counts: a rubric with another banding gives other levels for the same answers."""

import pandas as pd
import pytest
import yaml

from assessor.scoring.claims import band
from assessor.scoring.frames import ASPECTS
from assessor.scoring.rollups import rollup
from assessor.scoring.rubric import RUBRIC_DIR, Banding, RubricError, available_versions, load_rubric, parse_rubric
from assessor.scoring.snapshot import assemble_scores
from tests.assessor.scoring.build import NOW, frame, maturity

# Four questions per aspect answered by one respondent: the mean runs over 1.00, 1.25 ... 4.00.
PATTERNS = [[1 + (step + i) // 4 for i in range(4)] for step in range(13)]


def rubric_document(version: str = "1") -> dict:
    return yaml.safe_load((RUBRIC_DIR / f"rubric-{version}.yaml").read_text())


def with_banding(banding: dict, *, version: str = "1") -> dict:
    return {**rubric_document(version), "banding": banding}


def answers_for_120_levels() -> pd.DataFrame:
    """24 teams x 5 aspects, each with one respondent whose answers step through the patterns."""
    rows = []
    for team in range(24):
        for index, aspect in enumerate(ASPECTS):
            levels = PATTERNS[(team * 5 + index) % len(PATTERNS)]
            rows.append(maturity(team * 10 + index, aspect, levels, team_id=team + 1))
    return frame(*rows)


def test_a_rubric_with_another_banding_changes_the_levels_it_should():
    answers = answers_for_120_levels()
    nearest = assemble_scores(answers, pd.DataFrame(), rubric=parse_rubric(rubric_document()), now=NOW)
    reach = parse_rubric(with_banding({"rule": "reach", "reach": [1.75, 2.75, 3.75]}))
    other = assemble_scores(answers, pd.DataFrame(), rubric=reach, now=NOW)
    assert len(nearest) == len(other) == 120
    assert (nearest["score"] == other["score"]).all()  # banding changes levels, never scores
    changed = nearest["level"] != other["level"]
    assert changed.sum() > 0
    # exactly the scores between a half and three quarters of a level drop one level
    fraction = nearest["score"] % 1
    expected = (fraction >= 0.5) & (fraction < 0.75)
    assert changed.tolist() == expected.tolist()
    assert (other.loc[changed, "level"] == nearest.loc[changed, "level"] - 1).all()


def test_a_score_of_one_and_a_half_is_not_yet_level_2_by_reach():
    answers = answers_for_120_levels()
    reach = parse_rubric(with_banding({"rule": "reach", "reach": [1.75, 2.75, 3.75]}))
    scored = assemble_scores(answers, pd.DataFrame(), rubric=reach, now=NOW)
    assert scored.set_index(["team_id", "aspect"]).loc[(1, ASPECTS[2]), "level"] == 1  # 1.50 is not yet level 2


def test_nearest_banding_is_the_band_of_the_first_rubric():
    banding = Banding()
    scores = [1.0, 1.24, 1.49, 1.5, 2.49, 2.5, 2.75, 3.49, 3.5, 4.0]
    assert [banding.level(s) for s in scores] == [band(s) for s in scores]
    assert banding.level(float("nan")) is None


def test_reach_banding_places_a_score_at_the_highest_level_it_reaches():
    banding = Banding(rule="reach", reach=(1.75, 2.75, 3.75))
    assert [banding.level(s) for s in (1.0, 1.74, 1.75, 2.5, 2.75, 3.74, 3.75, 4.0)] == [1, 1, 2, 2, 3, 3, 4, 4]


def test_roll_ups_band_with_the_rubric_too():
    claims = pd.DataFrame(
        {"wave_id": [1, 1], "team_id": [1, 2], "aspect": ["adoption"] * 2, "score": [2.5, 2.5], "respondents": [3, 1]}
    )
    teams = pd.DataFrame({"team_id": [1, 2], "group_id": [7, 7]})
    assert rollup(claims, teams, by="group_id").loc[0, "level"] == 3
    assert rollup(claims, teams, by="group_id", banding=Banding(rule="reach", reach=(1.75, 2.75, 3.75))).loc[0, "level"] == 2


def test_the_description_is_kept():
    rubric = parse_rubric({**rubric_document(), "description": "Why this rubric exists."})
    assert rubric.description == "Why this rubric exists."


@pytest.mark.parametrize(
    ("banding", "message"),
    [
        ({"rule": "reach"}, r"banding: 'reach' is a required property"),
        ({"rule": "nearest", "reach": [1.5, 2.5, 3.5]}, r"banding"),
        ({"rule": "reach", "reach": [2.75, 1.75, 3.75]}, r"banding\.reach: the scores must rise"),
        ({"rule": "reach", "reach": [1.75, 2.75]}, r"banding\.reach"),
        ({"rule": "median"}, r"banding\.rule"),
    ],
)
def test_a_broken_banding_is_refused_with_its_place(banding, message):
    with pytest.raises(RubricError, match=message):
        parse_rubric(with_banding(banding))


def test_two_rubrics_ship_and_the_second_bands_by_reach():
    assert available_versions() == ["1", "2"]
    first, second = load_rubric("1"), load_rubric("2")
    assert load_rubric().version == "2"
    assert first.banding.rule == "nearest" and second.banding.rule == "reach"
    assert second.banding.reach == (1.75, 2.75, 3.75)
    assert second.description and second.description != first.description
