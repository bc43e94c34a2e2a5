"""How far a score can be trusted, from respondents, their agreement, evidence coverage and freshness.

confidence = w_r * min(respondents, R) / R
           + w_a * (1 - min(spread, S) / S)
           + w_e * (1 if any evidence fired for the aspect else 0)
           + w_f * freshness, where freshness is 1 up to F days old, falling linearly to 0 at D days
with the weights and R, S, F, D taken from the rubric. It is rounded to two decimals and labelled
high, medium or low by the rubric's thresholds. Missing evidence lowers confidence, never the level.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from assessor.scoring.rubric import Rubric


def freshness(age_days: pd.Series, rubric: Rubric) -> pd.Series:
    span = rubric.stale_days - rubric.fresh_days
    values = 1 - (age_days.astype(float) - rubric.fresh_days) / span
    return values.clip(lower=0, upper=1).fillna(0)


def confidence(frame: pd.DataFrame, *, rubric: Rubric, now: datetime) -> pd.DataFrame:
    """Adds `confidence` and `confidence_label` to a frame with respondents, spread, items, newest_observed_at."""
    respondents = frame["respondents"].fillna(0).astype(float).clip(upper=rubric.full_respondents) / rubric.full_respondents
    agreement = (
        1
        - frame["spread"].fillna(rubric.spread_for_zero).astype(float).clip(upper=rubric.spread_for_zero) / rubric.spread_for_zero
    )
    has_evidence = (frame["items"].fillna(0).astype(float) > 0).astype(float)
    observed = pd.to_datetime(frame["newest_observed_at"], utc=True)
    age_days = (pd.Timestamp(now) - observed).dt.total_seconds() / 86400
    value = (
        rubric.weight_respondents * respondents
        + rubric.weight_agreement * agreement.where(frame["respondents"].fillna(0) > 0, 0)
        + rubric.weight_evidence * has_evidence
        + rubric.weight_freshness * freshness(age_days, rubric) * has_evidence
    )
    result = frame.copy()
    result["confidence"] = np.floor(value.to_numpy(dtype=float) * 100 + 0.5) / 100
    result["confidence_label"] = np.select(
        [result["confidence"] >= rubric.high_confidence, result["confidence"] >= rubric.medium_confidence],
        ["high", "medium"],
        default="low",
    )
    return result
