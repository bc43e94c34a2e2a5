"""Small helpers the report frames share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd


def empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})


def with_team_names(frame: pd.DataFrame, teams: pd.DataFrame, *, on: str = "team_id", prefix: str = "") -> pd.DataFrame:
    """Adds team, kind and group names (inner join: rows of teams the reader may not see drop out)."""
    names = teams[["team_id", "team", "slug", "kind", "group"]].rename(
        columns={
            "team_id": on,
            "team": f"{prefix}team",
            "slug": f"{prefix}slug",
            "kind": f"{prefix}kind",
            "group": f"{prefix}group",
        }
    )
    return frame.merge(names, on=on, how="inner")


def ordered(values: Iterable[str], order: Sequence[str]) -> list[str]:
    """Values in the given order, unknown ones after it alphabetically."""
    present = set(values)
    known = [value for value in order if value in present]
    return known + sorted(present - set(order))


def aspect_order(frame: pd.DataFrame, aspects: Sequence[str], column: str = "aspect") -> pd.Series:
    """A sort key that keeps the model's order of aspects."""
    rank = {aspect: index for index, aspect in enumerate(aspects)}
    return frame[column].map(lambda value: rank.get(value, len(rank)))


def newest_wave_rows(scores: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """Per team and aspect, the row from the newest wave (by opening time) that has one."""
    if scores.empty:
        return scores
    merged = scores.merge(waves[["wave_id", "opens_at"]], on="wave_id")
    merged = merged.sort_values(["opens_at", "wave_id"]).drop_duplicates(["team_id", "aspect"], keep="last")
    return merged[list(scores.columns)].reset_index(drop=True)
