"""What teams claim: respondents' and teams' self-assessed scores per aspect, spread and disagreement."""

from __future__ import annotations

import math

import pandas as pd

from assessor.scoring.frames import clamp_level, round2
from assessor.scoring.rubric import Banding

DISAGREEMENT_LEVELS = 2  # two answers to one question this many levels apart flag a team as split


def band(score: float) -> int | None:
    """The level a score falls in: the nearest level, halves rounding up (1.50 is level 2, 3.49 is level 3)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return clamp_level(math.floor(score + 0.5))


def maturity_answers(answers: pd.DataFrame, *, perspective: str = "self") -> pd.DataFrame:
    """Answered maturity questions (single choice with a level) from one perspective; "not applicable" drops out."""
    mask = (
        (answers["qtype"] == "single_choice")
        & answers["aspect"].notna()
        & answers["level"].notna()
        & (answers["perspective"] == perspective)
    )
    return answers.loc[mask, ["wave_id", "team_id", "response_id", "question_key", "aspect", "level"]]


def respondent_scores(answers: pd.DataFrame, *, perspective: str = "self") -> pd.DataFrame:
    """Each respondent's aspect score: the mean of their answered levels, to two decimals."""
    rows = maturity_answers(answers, perspective=perspective)
    grouped = rows.groupby(["wave_id", "team_id", "response_id", "aspect"], sort=True)["level"]
    result = grouped.agg(["mean", "size"]).reset_index()
    result["score"] = round2(result["mean"].astype(float))
    return result.rename(columns={"size": "answered"})[["wave_id", "team_id", "response_id", "aspect", "score", "answered"]]


def _split_questions(rows: pd.DataFrame, levels_apart: int) -> pd.DataFrame:
    per_question = rows.groupby(["wave_id", "team_id", "aspect", "question_key"])["level"].agg(["min", "max"])
    per_question["split"] = (per_question["max"] - per_question["min"]) >= levels_apart
    return per_question.groupby(level=["wave_id", "team_id", "aspect"])["split"].any().rename("disagreement").reset_index()


def team_claims(
    answers: pd.DataFrame,
    *,
    perspective: str = "self",
    levels_apart: int = DISAGREEMENT_LEVELS,
    banding: Banding | None = None,
) -> pd.DataFrame:
    """Per wave, team and aspect: the claimed score and level, respondents, spread and disagreement.

    The team score is the mean of its respondents' scores, so each person counts once however many
    questions they answered. Spread is the distance between the highest and lowest respondent score.
    The level is the score banded by the rubric's `banding` (nearest level when None).
    """
    columns = ["wave_id", "team_id", "aspect", "score", "level", "respondents", "spread", "disagreement"]
    per_respondent = respondent_scores(answers, perspective=perspective)
    if per_respondent.empty:
        return pd.DataFrame(columns=columns)
    grouped = per_respondent.groupby(["wave_id", "team_id", "aspect"], sort=True)["score"]
    result = grouped.agg(["mean", "min", "max", "size"]).reset_index()
    result["score"] = round2(result["mean"].astype(float))
    result["spread"] = round2((result["max"] - result["min"]).astype(float))
    result["respondents"] = result["size"].astype(int)
    result["level"] = result["score"].map(banding.level if banding is not None else band).astype(int)
    split = _split_questions(maturity_answers(answers, perspective=perspective), levels_apart)
    result = result.merge(split, on=["wave_id", "team_id", "aspect"], how="left")
    result["disagreement"] = result["disagreement"].fillna(False).astype(bool)
    return result[columns]
