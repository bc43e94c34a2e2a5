"""Turning report and score DataFrames into JSON-ready rows, and the organization frames views read."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from assessor.models import Consumption, Organization, Team
from surveys.models import Wave

TEAM_FRAME_COLUMNS = ["team_id", "team", "slug", "kind", "group_id", "group"]
WAVE_FRAME_COLUMNS = ["wave_id", "wave", "opens_at", "closes_at", "anonymous", "min_responses"]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (NaN and NaT become None)."""
    if frame.empty:
        return []
    wanted = columns or list(frame.columns)
    return [
        {column: _plain(value) for column, value in zip(wanted, row, strict=True)}
        for row in frame[wanted].itertuples(index=False)
    ]


def teams_frame(teams: QuerySet[Team]) -> pd.DataFrame:
    rows = teams.order_by().values_list("pk", "name", "slug", "kind", "group_id", "group__name")
    return pd.DataFrame(list(rows), columns=TEAM_FRAME_COLUMNS)


def waves_frame(organization: Organization) -> pd.DataFrame:
    rows = Wave.objects.filter(organization=organization).values_list(
        "pk", "name", "opens_at", "closes_at", "anonymous", "min_responses"
    )
    return pd.DataFrame(list(rows), columns=WAVE_FRAME_COLUMNS)


def links_frame(team_ids: list[int]) -> pd.DataFrame:
    """consumer_id, provider_id for links whose both ends are among `team_ids`."""
    rows = Consumption.objects.filter(consumer_id__in=team_ids, provider_id__in=team_ids).values_list(
        "consumer_id", "provider_id"
    )
    return pd.DataFrame(list(rows), columns=["consumer_id", "provider_id"])


def hide_small_anonymous(scores: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """Team results of anonymous waves appear only from the wave's minimum number of respondents."""
    if scores.empty:
        return scores
    merged = scores.merge(waves[["wave_id", "anonymous", "min_responses"]], on="wave_id", how="inner")
    keep = ~merged["anonymous"].astype(bool) | (merged["respondents"] >= merged["min_responses"])
    return merged[keep][list(scores.columns)].reset_index(drop=True)


def newest_wave_rows(scores: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """Per team and aspect, the row from the newest wave (by opening time) that has one."""
    if scores.empty:
        return scores
    merged = scores.merge(waves[["wave_id", "opens_at"]], on="wave_id")
    merged = merged.sort_values(["opens_at", "wave_id"]).drop_duplicates(["team_id", "aspect"], keep="last")
    return merged[list(scores.columns)].reset_index(drop=True)
