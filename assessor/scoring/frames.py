"""The columns of the frames scoring reads, so producers (selectors) and consumers agree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from assessor.maturity import ASPECT_KEYS, LEVEL_NUMBERS

# The vocabulary of the bundled maturity model, in its order.
ASPECTS: tuple[str, ...] = ASPECT_KEYS
LEVELS: tuple[int, ...] = LEVEL_NUMBERS
LOWEST_LEVEL: int = LEVELS[0]
HIGHEST_LEVEL: int = LEVELS[-1]

# One row per stored answer of a response (surveys.selectors.answers_frame).
ANSWER_COLUMNS = (
    "wave_id",  # int
    "team_id",  # int
    "response_id",  # int
    "role",  # str: app_developer, platform_engineer, infra_engineer, manager
    "question_key",  # str, stable across instrument versions
    "qtype",  # str: single_choice, multi_choice, text, number, scale, target_level
    "aspect",  # str or None
    "perspective",  # str: "self" or "consumers"
    "capability",  # str or None: a capability domain key
    "value",  # str or None: option value, text, or comma-joined values for multi choice
    "level",  # float: 1-4 for maturity answers and targets, NaN otherwise (including "not applicable")
)

# One row per evidence item that fired for a team (collectors.selectors.evidence_frame).
EVIDENCE_COLUMNS = (
    "team_id",
    "aspect",
    "level",  # int 1-4
    "direction",  # "supports" or "contradicts"
    "weight",  # float > 0
    "rule_key",
    "rules_version",
    "explanation",
    "observed_at",  # tz-aware datetime
    "signal_ids",  # list[int]
)


def clamp_level(level: int) -> int:
    """The level itself, or the lowest or highest level of the model when it lies beyond them."""
    return max(LOWEST_LEVEL, min(HIGHEST_LEVEL, level))


def empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def round2(values: pd.Series) -> pd.Series:
    """Round half up to two decimals, as the CNCF self-assessment tool shows its means."""
    return pd.Series(np.floor(values.to_numpy(dtype=float) * 100 + 0.5 + 1e-9) / 100, index=values.index)
