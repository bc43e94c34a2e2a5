"""Small builders for the frames scoring reads, so each test states only what matters to it."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd

from assessor.scoring.frames import ANSWER_COLUMNS, EVIDENCE_COLUMNS

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def maturity(
    response_id: int, aspect: str, levels: list[float | None], *, team_id: int = 1, wave_id: int = 1, perspective: str = "self"
):
    """One respondent's answers to an aspect's questions (None = not applicable)."""
    return [
        {
            "wave_id": wave_id,
            "team_id": team_id,
            "response_id": response_id,
            "role": "app_developer",
            "question_key": f"{aspect}.q{index}",
            "qtype": "single_choice",
            "aspect": aspect,
            "perspective": perspective,
            "capability": None,
            "value": "na" if level is None else f"l{level}",
            "level": np.nan if level is None else float(level),
        }
        for index, level in enumerate(levels, start=1)
    ]


def target(response_id: int, aspect: str, level: int, *, team_id: int = 1, wave_id: int = 1):
    return [
        {
            "wave_id": wave_id,
            "team_id": team_id,
            "response_id": response_id,
            "role": "app_developer",
            "question_key": f"target.{aspect}",
            "qtype": "target_level",
            "aspect": aspect,
            "perspective": "self",
            "capability": None,
            "value": str(level),
            "level": float(level),
        }
    ]


def capability(response_id: int, domain: str, part: str, value: str, *, team_id: int, wave_id: int = 1):
    return [
        {
            "wave_id": wave_id,
            "team_id": team_id,
            "response_id": response_id,
            "role": "app_developer",
            "question_key": f"cap.{domain}.{part}",
            "qtype": "single_choice",
            "aspect": None,
            "perspective": "self",
            "capability": domain,
            "value": value,
            "level": np.nan,
        }
    ]


def frame(*groups: list[dict]) -> pd.DataFrame:
    rows = [row for group in groups for row in group]
    return pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))


def evidence(team_id: int, aspect: str, level: int, direction: str = "supports", weight: float = 1.0, observed_at=NOW):
    return [
        {
            "team_id": team_id,
            "aspect": aspect,
            "level": level,
            "direction": direction,
            "weight": weight,
            "rule_key": f"{aspect}-{level}-{direction}",
            "rules_version": "1",
            "explanation": "test",
            "observed_at": observed_at,
            "signal_ids": [],
        }
    ]


def evidence_frame(*groups: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([row for group in groups for row in group], columns=list(EVIDENCE_COLUMNS))
