"""Targets, gaps to them, next steps from the model, and claims that outrun the team's own measurement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assessor.scoring.claims import band
from assessor.scoring.frames import HIGHEST_LEVEL


@dataclass(frozen=True)
class NextStep:
    """What the next level up looks like, and what would show it."""

    level: int
    label: str
    characteristics: tuple[str, ...]
    actions: tuple[str, ...]
    evidence: tuple[str, ...]


# (aspect, level) -> (label, characteristics, next_steps, evidence) as in the model data.
ModelCells = Mapping[tuple[str, int], tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]


def team_targets(answers: pd.DataFrame) -> pd.DataFrame:
    """Per wave, team and aspect: the median of respondents' target levels, banded to a level."""
    rows = answers[(answers["qtype"] == "target_level") & answers["aspect"].notna() & answers["level"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=["wave_id", "team_id", "aspect", "target_level"])
    result = rows.groupby(["wave_id", "team_id", "aspect"])["level"].median().reset_index()
    result["target_level"] = result["level"].map(band).astype(int)
    return result[["wave_id", "team_id", "aspect", "target_level"]]


def next_steps(aspect: str, current_level: int | None, cells: ModelCells) -> NextStep | None:
    """The next level's characteristics and the evidence that would show it; None at the top or when unknown."""
    if current_level is None or current_level >= HIGHEST_LEVEL:
        return None
    cell = cells.get((aspect, current_level + 1))
    if cell is None:
        return None
    label, characteristics, _, evidence = cell
    current = cells.get((aspect, current_level))
    actions = current[2] if current else ()
    return NextStep(level=current_level + 1, label=label, characteristics=characteristics, actions=actions, evidence=evidence)


def unverified_flags(claims: pd.DataFrame, *, above_measurement: int) -> pd.Series:
    """True where an aspect is claimed `above_measurement` or more levels above the team's Measurement level."""
    measurement = claims[claims["aspect"] == "measurement"].set_index(["wave_id", "team_id"])["level"]
    keys = pd.MultiIndex.from_frame(claims[["wave_id", "team_id"]])
    measured = measurement.reindex(keys).to_numpy(dtype=float)
    gap = claims["level"].to_numpy(dtype=float) - measured
    flags = (claims["aspect"].to_numpy() != "measurement") & (np.nan_to_num(gap, nan=-9) >= above_measurement)
    return pd.Series(flags, index=claims.index, name="unverified")
