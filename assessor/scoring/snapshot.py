"""Assembling one score row per wave, team and aspect, with everything a snapshot stores."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from pandas.core.util.hashing import combine_hash_arrays

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
HASHED_EVIDENCE_COLUMNS = ["aspect", "floor", "ceiling", "items", "newest_observed_at"]


def _string_hashes(column: pd.Series) -> np.ndarray:
    """`hash_pandas_object(column.astype(str))`, computed once per distinct value and spread to the rows.

    The per-value hash does not depend on its neighbours, so hashing the distinct values (a few thousand
    response ids, a hundred questions, a few hundred answer values) gives the same array as hashing every row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    hashed = pd.util.hash_pandas_object(pd.Series(uniques).astype(str), index=False).to_numpy(dtype=np.uint64)
    spread: np.ndarray = hashed[codes]
    return spread


def _row_hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The row hashes `hash_pandas_object(frame[columns].astype(str), index=False)` gives, column by column.

    `combine_hash_arrays` is the step `hash_pandas_object` itself uses to fold columns into one hash per row;
    `tests/assessor/scoring/test_input_hashes.py` checks the result against the plain call, so a pandas upgrade
    that changed either would show there rather than as every snapshot looking changed."""
    combined: np.ndarray = combine_hash_arrays(iter([_string_hashes(frame[column]) for column in columns]), len(columns))
    return combined


def _xor_per_pair(frame: pd.DataFrame, hashes: np.ndarray) -> pd.Series:
    """XOR of the row hashes of each (wave, team): independent of the rows' order, indexed by the pair."""
    wave = frame["wave_id"].to_numpy(dtype=np.int64)
    team = frame["team_id"].to_numpy(dtype=np.int64)
    order = np.lexsort((team, wave))
    wave, team, hashes = wave[order], team[order], hashes[order]
    starts = np.flatnonzero(np.r_[True, (wave[1:] != wave[:-1]) | (team[1:] != team[:-1])])
    index = pd.MultiIndex.from_arrays([wave[starts], team[starts]], names=["wave_id", "team_id"])
    return pd.Series(np.bitwise_xor.reduceat(hashes, starts), index=index, dtype="uint64")


def inputs_hashes(answers: pd.DataFrame, evidence_levels: pd.DataFrame, *, salt: str) -> pd.DataFrame:
    """An order-independent hash of each (wave, team)'s answers and the evidence used, salted with the rubric."""
    columns = ["wave_id", "team_id", "inputs_hash"]
    if answers.empty:
        return pd.DataFrame(columns=columns)
    per_team = _xor_per_pair(answers, _row_hashes(answers, HASHED_ANSWER_COLUMNS))
    evidence_part = pd.Series(0, index=per_team.index, dtype="uint64")
    if not evidence_levels.empty:
        ev = evidence_levels.reset_index(drop=True)
        ev_part = _xor_per_pair(ev, _row_hashes(ev, HASHED_EVIDENCE_COLUMNS))
        evidence_part = ev_part.reindex(per_team.index, fill_value=0).astype("uint64")
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
