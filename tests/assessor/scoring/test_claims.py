import pandas as pd

from assessor.scoring.claims import band, respondent_scores, team_claims
from tests.assessor.scoring.build import frame, maturity


def test_a_respondent_scores_the_mean_of_answered_levels_to_two_decimals():
    scores = respondent_scores(frame(maturity(1, "investment", [1, 2, 2])))
    assert scores.loc[0, "score"] == 1.67
    assert scores.loc[0, "answered"] == 3


def test_not_applicable_counts_for_nothing():
    scores = respondent_scores(frame(maturity(1, "adoption", [4, None, 3, None])))
    assert scores.loc[0, "score"] == 3.5
    assert scores.loc[0, "answered"] == 2


def test_a_respondent_with_only_not_applicable_has_no_score():
    assert respondent_scores(frame(maturity(1, "adoption", [None, None]))).empty


def test_the_team_score_weighs_each_respondent_once():
    answers = frame(maturity(1, "operations", [1, 1, 1, 1]), maturity(2, "operations", [3]))
    claims = team_claims(answers)
    row = claims.iloc[0]
    assert row["score"] == 2.0  # (1.00 + 3.00) / 2, not (1+1+1+1+3) / 5
    assert row["respondents"] == 2
    assert row["spread"] == 2.0
    assert row["level"] == 2


def test_answers_two_levels_apart_on_one_question_flag_disagreement():
    split = team_claims(frame(maturity(1, "interfaces", [1, 2]), maturity(2, "interfaces", [3, 2])))
    assert bool(split.iloc[0]["disagreement"]) is True
    close = team_claims(frame(maturity(1, "interfaces", [1, 2]), maturity(2, "interfaces", [2, 3])))
    assert bool(close.iloc[0]["disagreement"]) is False


def test_a_larger_threshold_from_the_rubric_is_respected():
    answers = frame(maturity(1, "interfaces", [1]), maturity(2, "interfaces", [3]))
    assert bool(team_claims(answers, levels_apart=3).iloc[0]["disagreement"]) is False


def test_banding_takes_the_nearest_level_with_halves_rounding_up():
    assert [band(s) for s in (1.0, 1.49, 1.5, 2.49, 2.5, 3.49, 3.5, 4.0)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert band(float("nan")) is None


def test_consumer_perspective_answers_stay_out_of_the_self_view():
    answers = frame(maturity(1, "adoption", [4]), maturity(1, "adoption", [1], perspective="consumers"))
    assert team_claims(answers).iloc[0]["score"] == 4.0
    assert team_claims(answers, perspective="consumers").iloc[0]["score"] == 1.0


def test_teams_and_waves_are_scored_separately():
    answers = frame(
        maturity(1, "measurement", [1], team_id=1, wave_id=1),
        maturity(2, "measurement", [4], team_id=2, wave_id=1),
        maturity(3, "measurement", [3], team_id=1, wave_id=2),
    )
    claims = team_claims(answers).set_index(["wave_id", "team_id"])["score"]
    assert claims.to_dict() == {(1, 1): 1.0, (1, 2): 4.0, (2, 1): 3.0}


def test_an_empty_frame_gives_an_empty_result():
    assert team_claims(frame()).empty
    assert isinstance(team_claims(frame()), pd.DataFrame)
