"""What each dashboard page shows, assembled from selectors, frames and charts; views only render it.

Each builder does a fixed number of queries whatever the number of teams, and returns chart blocks:
a figure, the table behind it (its accessible alternative and its CSV) and how to label the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from reports.tables import Column


@dataclass
class ChartBlock:
    key: str
    title: str
    figure: go.Figure | None
    table: pd.DataFrame
    columns: tuple[Column, ...]
    description: str = ""
    table_rows: int | None = 300
    extra: dict[str, Any] = field(default_factory=dict)


class PageNotFound(LookupError):
    """A wave, group or team asked for in the query string does not exist for this reader."""


def pick_wave(waves: pd.DataFrame, wanted: int | None, *, now: datetime) -> dict[str, Any] | None:
    """The wave asked for; else the newest wave that has opened; else the newest one. None when there are none."""
    if waves.empty:
        return None
    if wanted is not None:
        match = waves[waves["wave_id"] == wanted]
        if match.empty:
            raise PageNotFound(f"No wave {wanted} in this organization.")
        return match.iloc[0].to_dict()
    opened = waves[waves["opens_at"] <= now]
    return (opened if not opened.empty else waves).iloc[0].to_dict()


def find_block(blocks: list[ChartBlock], key: str) -> ChartBlock:
    for block in blocks:
        if block.key == key:
            return block
    raise PageNotFound(f"No table {key!r} on this page.")
