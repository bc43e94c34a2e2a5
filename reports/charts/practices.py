"""Practices charts: how many application teams use each practice, and the differences that go with it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from reports.charts.base import axis, base_layout, empty_figure

ADOPTION_COLORS = {"direct": "#2f5fd0", "through_providers_only": "#1f8a8a", "not_adopted": "#b8c0cc"}
ADOPTION_LABELS = {
    "direct": "Directly (its own systems, answers or words)",
    "through_providers_only": "Only through its providers",
    "not_adopted": "Not seen",
}


def adoption_figure(counts: pd.DataFrame) -> go.Figure:
    """A stacked bar per practice: application teams using it directly, only through providers, or not."""
    if counts.empty:
        return empty_figure("No application team has answers or collected evidence in this wave yet.")
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "y": counts["name"].tolist(),
            "x": counts[part].astype(int).tolist(),
            "name": label,
            "marker": {"color": ADOPTION_COLORS[part]},
            "hovertemplate": "%{y}: %{x} teams<extra>" + label + "</extra>",
        }
        for part, label in ADOPTION_LABELS.items()
    ]
    layout = base_layout(height=120 + 36 * len(counts), barmode="stack")
    layout["xaxis"] = axis(title={"text": "Application teams"}, dtick=max(1, int(counts["teams"].max()) // 8 or 1))
    layout["yaxis"] = axis(autorange="reversed")
    return go.Figure(data=data, layout=layout)


def comparison_figure(table: pd.DataFrame, outcome_label: str) -> go.Figure:
    """For one outcome: each practice's difference (adopters minus others) with its 95% interval."""
    rows = table[table["enough"].astype(bool)]
    if rows.empty:
        return empty_figure(f"{outcome_label}: not enough teams on both sides of any practice yet.")
    difference = rows["difference"].astype(float)
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": difference.tolist(),
            "y": rows["name"].tolist(),
            "marker": {"color": "#2f5fd0", "size": 11, "symbol": "diamond"},
            "error_x": {
                "type": "data",
                "symmetric": False,
                "array": (rows["high"].astype(float) - difference).tolist(),
                "arrayminus": (difference - rows["low"].astype(float)).tolist(),
                "color": "#5b6775",
                "thickness": 2,
            },
            "customdata": rows[["adopters", "others"]].astype(int).to_numpy().tolist(),
            "hovertemplate": "%{y}: %{x:+.2f} (%{customdata[0]} and %{customdata[1]} teams)<extra></extra>",
            "name": outcome_label,
        }
    ]
    layout = base_layout(height=120 + 40 * len(rows), showlegend=False)
    layout["xaxis"] = axis(title={"text": f"{outcome_label}: adopters minus the others"}, zeroline=True, zerolinecolor="#5b6775")
    layout["yaxis"] = axis(autorange="reversed")
    return go.Figure(data=data, layout=layout)


def adoption_trend_figure(trend: pd.DataFrame, whole: str) -> go.Figure:
    """A line per practice: the share of the organization's application teams using it, wave by wave."""
    rows = trend[trend["group"] == whole]
    if rows.empty:
        return empty_figure("No application team has answers or collected evidence in any wave yet.")
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": group["wave"].tolist(),
            "y": (group["share"].astype(float) * 100).round(1).tolist(),
            "name": str(name),
            "customdata": list(zip(group["adopters"].astype(int), group["teams"].astype(int), strict=True)),
            "hovertemplate": "%{x}: %{y}% (%{customdata[0]} of %{customdata[1]} teams)<extra>" + str(name) + "</extra>",
        }
        for name, group in rows.groupby("name", sort=False)
    ]
    layout = base_layout(height=360)
    layout["yaxis"] = axis(title={"text": "Share of application teams (%)"}, range=[0, 100])
    layout["xaxis"] = axis(type="category")
    return go.Figure(data=data, layout=layout)
