"""Roll-ups of team scores by group or team kind, weighted by respondents, with the same level banding."""

from __future__ import annotations

import pandas as pd

from assessor.scoring.claims import band
from assessor.scoring.frames import round2
from assessor.scoring.rubric import Banding

ROLLUP_COLUMNS = ["wave_id", "key", "aspect", "score", "level", "teams", "respondents", "spread"]


def rollup(claims: pd.DataFrame, teams: pd.DataFrame, *, by: str, banding: Banding | None = None) -> pd.DataFrame:
    """`teams` has team_id and the `by` column (group_id or kind); teams without a value are left out.
    Levels follow the rubric's `banding` (nearest level when None), as team levels do."""
    joined = claims.merge(teams[["team_id", by]], on="team_id").dropna(subset=[by])
    if joined.empty:
        return pd.DataFrame(columns=ROLLUP_COLUMNS)
    joined = joined.assign(weighted=joined["score"] * joined["respondents"])
    grouped = joined.groupby(["wave_id", by, "aspect"]).agg(
        weighted=("weighted", "sum"),
        respondents=("respondents", "sum"),
        teams=("team_id", "nunique"),
        low=("score", "min"),
        high=("score", "max"),
    )
    grouped["score"] = round2(grouped["weighted"] / grouped["respondents"])
    grouped["spread"] = round2(grouped["high"] - grouped["low"])
    grouped["level"] = grouped["score"].map(banding.level if banding is not None else band).astype(int)
    result = grouped.reset_index().rename(columns={by: "key"})
    return result[ROLLUP_COLUMNS]
