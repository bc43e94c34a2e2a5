"""Assembling one score row per wave, team and aspect, with everything a snapshot stores."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from assessor.scoring.claims import team_claims
from assessor.scoring.confidence import confidence
from assessor.scoring.evidence import claim_status
from assessor.scoring.rubric import Rubric
from assessor.scoring.targets import team_targets, unverified_flags

SNAPSHOT_COLUMNS = [
    "wave_id",
    "team_id",
    "aspect",
    "score",
    "level",
    "respondents",
    "spread",
    "disagreement",
    "floor",
    "ceiling",
    "items",
    "newest_observed_at",
    "status",
    "confidence",
    "confidence_label",
    "target_level",
    "gap",
    "unverified",
    "inputs_hash",
]
HASHED_ANSWER_COLUMNS = ["response_id", "question_key", "value", "level"]


def inputs_hashes(answers: pd.DataFrame, evidence_levels: pd.DataFrame, *, salt: str) -> pd.DataFrame:
    """An order-independent hash of each (wave, team)'s answers and the evidence used, salted with the rubric."""
    columns = ["wave_id", "team_id", "inputs_hash"]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    row_hashes = pd.util.hash_pandas_object(answers[HASHED_ANSWER_COLUMNS].astype(str), index=False)
    per_team = (
        pd.DataFrame({"wave_id": answers["wave_id"], "team_id": answers["team_id"], "h": row_hashes.to_numpy()})
        .groupby(["wave_id", "team_id"])["h"]
        .agg(lambda values: int(np.bitwise_xor.reduce(values.to_numpy(dtype=np.uint64))))
    )
    evidence_part = pd.Series(0, index=per_team.index, dtype="uint64")
    if not evidence_levels.empty:
        ev = evidence_levels.copy()
        ev_hashes = pd.util.hash_pandas_object(
            ev[["aspect", "floor", "ceiling", "items", "newest_observed_at"]].astype(str), index=False
        )
        ev = (
            ev.assign(h=ev_hashes.to_numpy())
            .groupby(["wave_id", "team_id"])["h"]
            .agg(lambda values: int(np.bitwise_xor.reduce(values.to_numpy(dtype=np.uint64))))
        )
        evidence_part = ev.reindex(per_team.index).fillna(0).astype("uint64")
    salt_value = int(pd.util.hash_array(np.array([salt], dtype=object))[0])
    combined = np.bitwise_xor(
        np.bitwise_xor(per_team.to_numpy(dtype=np.uint64), evidence_part.to_numpy(dtype=np.uint64)), np.uint64(salt_value)
    )
    result = per_team.reset_index()[["wave_id", "team_id"]]
    result["inputs_hash"] = [f"{value:016x}" for value in combined]
    return result


def assemble_scores(
    answers: pd.DataFrame,
    evidence_levels: pd.DataFrame,
    *,
    rubric: Rubric,
    now: datetime,
    salt: str = "",
) -> pd.DataFrame:
    """Scores for every (wave, team, aspect) that has self-assessed answers.

    `evidence_levels`: wave_id, team_id, aspect, floor, ceiling, items, newest_observed_at — the evidence
    to set beside each wave's claims (see `assessor.scoring.evidence.evidence_levels`).
    """
    claims = team_claims(answers, levels_apart=rubric.disagreement_levels, banding=rubric.banding)
    if claims.empty:
        return pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    frame = claims.merge(team_targets(answers), on=["wave_id", "team_id", "aspect"], how="left")
    frame = (
        frame.merge(evidence_levels, on=["wave_id", "team_id", "aspect"], how="left")
        if not evidence_levels.empty
        else frame.assign(floor=np.nan, ceiling=np.nan, items=0, newest_observed_at=pd.NaT)
    )
    frame["items"] = frame["items"].fillna(0).astype(int)
    frame["status"] = [
        claim_status(level, floor, ceiling, items)
        for level, floor, ceiling, items in zip(frame["level"], frame["floor"], frame["ceiling"], frame["items"], strict=True)
    ]
    frame = confidence(frame, rubric=rubric, now=now)
    frame["gap"] = frame["target_level"] - frame["level"]
    frame["unverified"] = unverified_flags(frame, above_measurement=rubric.unverified_above_measurement)
    hashes = inputs_hashes(answers, evidence_levels, salt=f"{rubric.version}|{salt}")
    frame = frame.merge(hashes, on=["wave_id", "team_id"], how="left")
    return frame[SNAPSHOT_COLUMNS].sort_values(["wave_id", "team_id", "aspect"]).reset_index(drop=True)
