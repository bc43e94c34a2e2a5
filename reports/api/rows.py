"""Turning report and score DataFrames into JSON-ready rows."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


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
