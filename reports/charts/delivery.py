"""Delivery charts: one metric over time, a line per team and source, over the DORA band edges."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from reports.charts.base import GRID, MUTED, SERIES_COLORS, axis, base_layout, empty_figure, plot_dates
from reports.frames.delivery import Bands, MetricBands

AXIS_TITLES = {
    "deploys_per_week": "Deploys a week",
    "lead_time_hours": "Hours",
    "change_failure_rate": "Share of deploys that failed",
    "time_to_restore_hours": "Hours",
}


def _edge_lines(measures: MetricBands) -> list[dict[str, Any]]:
    """A dotted line at each band edge, labelled with the band it starts, so a point reads against them."""
    lines = []
    for edge in measures.edges:
        if edge.condition is None:
            continue
        lines.append(
            {
                "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": edge.limit, "y1": edge.limit,
                "line": {"color": GRID if edge.limit == 0 else MUTED, "width": 1, "dash": "dot"},
            }
        )  # fmt: skip
    return lines


def _edge_labels(measures: MetricBands, bands: Bands) -> list[dict[str, Any]]:
    return [
        {
            "text": f"{bands.names[edge.band]} {'above' if measures.better == 'higher' else 'below'}",
            "xref": "paper", "x": 1, "xanchor": "right", "yref": "y", "y": edge.limit, "yanchor": "bottom",
            "showarrow": False, "font": {"color": MUTED, "size": 11},
        }
        for edge in measures.edges
        if edge.condition is not None
    ]  # fmt: skip


def history_figure(points: pd.DataFrame, measures: MetricBands, bands: Bands) -> go.Figure:
    """One metric's observations over time, a line per team and source, with the band edges of the year."""
    if points.empty:
        return empty_figure(f"{measures.name}: no figures collected yet.")
    data = []
    for index, (series, rows) in enumerate(points.groupby("series", sort=True)):
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": str(series),
                "x": plot_dates(rows["observed_at"]),
                "y": rows["value"].astype(float).tolist(),
                "line": {"color": SERIES_COLORS[index % len(SERIES_COLORS)], "width": 2},
                "hovertemplate": "%{x|%Y-%m-%d}: %{y}<extra>" + str(series) + "</extra>",
            }
        )
    layout = base_layout(height=320)
    layout["xaxis"] = axis(type="date")
    layout["yaxis"] = axis(title={"text": AXIS_TITLES[measures.key]}, rangemode="tozero")
    if measures.key == "change_failure_rate":
        layout["yaxis"]["tickformat"] = ".0%"
    layout["shapes"] = _edge_lines(measures)
    layout["annotations"] = _edge_labels(measures, bands)
    return go.Figure(data=data, layout=layout)
