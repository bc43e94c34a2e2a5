"""Gap charts: target gaps, perception gaps per provider, and capability demand, supply, delivery and waits.

Figures are built from plain dicts in one `go.Figure` call: plotly validates once instead of on every
`add_trace` and `update_layout`, which matters on pages with several charts for a thousand teams.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from reports.charts.base import SERIES_COLORS, axis, base_layout, empty_figure

DELIVERY_COLORS = {
    "ticket": "#d9623b",
    "standard_tooling": "#d6a21e",
    "self_service": "#3f9a5c",
    "automatic": "#3a6fd0",
    "not_available": "#8a94a3",
}
WAIT_COLORS = {"hours": "#3a6fd0", "days": "#3f9a5c", "weeks": "#d6a21e", "months": "#d9623b"}
# Gap sizes are ordered too, in a warm hue of their own so that they never read as levels.
GAP_COLORS = {1: "#f5a55c", 2: "#d9661f", 3: "#8f3a0c"}
LEGEND_ABOVE = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"}


def perception_figure(perception: pd.DataFrame, aspect_names: Mapping[str, str], *, limit: int = 8) -> go.Figure:
    """Per aspect, each provider's own score minus its consumers' score (above zero: it sees itself higher).

    Only the `limit` providers with the widest single gap get a bar; the table lists them all.
    """
    if perception.empty:
        return empty_figure("No platform team has both its own view and its consumers' view yet.")
    widest = perception.assign(size=perception["gap"].abs()).groupby("provider_id")["size"].max()
    chosen = widest.sort_values(ascending=False, kind="stable").index[:limit]
    data = []
    for index, provider_id in enumerate(chosen):
        rows = perception[perception["provider_id"] == provider_id]
        name = str(rows["team"].iloc[0])
        data.append(
            {
                "type": "bar",
                "x": [aspect_names.get(aspect, aspect) for aspect in rows["aspect"]],
                "y": rows["gap"].tolist(),
                "name": name,
                "marker": {"color": SERIES_COLORS[index % len(SERIES_COLORS)]},
                "customdata": rows[["provider_score", "consumer_score", "consumer_teams"]].to_numpy().tolist(),
                "hovertemplate": "%{x}: own view %{customdata[0]:.2f}, consumers %{customdata[1]:.2f} "
                "(%{customdata[2]} teams)<br>Gap %{y:+.2f}<extra>" + name + "</extra>",
            }
        )
    layout = base_layout(height=360, barmode="group")
    layout["yaxis"] = axis(title={"text": "Own view minus consumers' view"}, zeroline=True, zerolinecolor="#5b6775")
    layout["xaxis"] = axis(categoryorder="array", categoryarray=list(aspect_names.values()))
    return go.Figure(data=data, layout=layout)


def demand_supply_figure(demand: pd.DataFrame) -> go.Figure:
    """Per capability: teams that need it, teams that provide it, and needs nobody meets."""
    if demand.empty:
        return empty_figure("No team has said which capabilities it needs or provides yet.")
    series = (
        ("Teams that need it", "demand", "#2f5fd0"),
        ("Teams that provide it", "supply", "#3f9a5c"),
        ("Unmet needs", "unmet", "#d9623b"),
    )
    data = [
        {
            "type": "bar",
            "y": demand["name"].tolist(),
            "x": demand[column].astype(int).tolist(),
            "name": name,
            "orientation": "h",
            "marker": {"color": color},
            "hovertemplate": "%{y}: %{x}<extra>" + name + "</extra>",
        }
        for name, column, color in series
    ]
    layout = base_layout(height=140 + 46 * len(demand), barmode="group", margin={"l": 10, "r": 20, "t": 40, "b": 40})
    small = demand[["demand", "supply"]].to_numpy().max() <= 10
    layout["xaxis"] = axis(title={"text": "Teams"}, **({"dtick": 1} if small else {}))
    layout["yaxis"] = axis(autorange="reversed")
    return go.Figure(data=data, layout=layout)


def _stacked(long: pd.DataFrame, column: str, colors: Mapping[str, str], *, empty_message: str, title: str) -> go.Figure:
    if long.empty or long["answers"].sum() == 0:
        return empty_figure(empty_message)
    names = list(dict.fromkeys(long["name"]))
    data: list[dict[str, Any]] = []
    for key in dict.fromkeys(long[column]):
        rows = long[long[column] == key].set_index("name").reindex(names)
        label = str(rows["label"].dropna().iloc[0]) if rows["label"].notna().any() else key
        data.append(
            {
                "type": "bar",
                "y": names,
                "x": rows["answers"].fillna(0).astype(int).tolist(),
                "name": label,
                "orientation": "h",
                "marker": {"color": colors.get(key, "#8a94a3")},
                "hovertemplate": "%{y}: %{x} answers<extra>" + label + "</extra>",
            }
        )
    layout = base_layout(height=140 + 30 * len(names), barmode="stack", margin={"l": 10, "r": 20, "t": 40, "b": 40})
    layout["legend"] = LEGEND_ABOVE
    layout["xaxis"] = axis(title={"text": title})
    layout["yaxis"] = axis(autorange="reversed")
    return go.Figure(data=data, layout=layout)


def delivery_figure(delivery: pd.DataFrame) -> go.Figure:
    """How application teams get each capability, as stacked answer counts per delivery mode."""
    return _stacked(
        delivery,
        "delivery",
        DELIVERY_COLORS,
        empty_message="No application team has said how it gets its capabilities yet.",
        title="Answers",
    )


def wait_figure(waits: pd.DataFrame) -> go.Figure:
    """How long application teams wait for each capability, as stacked answer counts per bucket."""
    return _stacked(
        waits, "wait", WAIT_COLORS, empty_message="No application team has said how long it waits yet.", title="Answers"
    )


def target_gap_figure(gaps: pd.DataFrame, aspect_names: Mapping[str, str]) -> go.Figure:
    """Per aspect, how many teams sit one, two or three levels below their target."""
    if gaps.empty:
        return empty_figure("No team is below its target in this wave.")
    aspects = list(aspect_names)
    counts = gaps.groupby(["gap", "aspect"])["team_id"].nunique()
    data = []
    for size in sorted(int(value) for value in gaps["gap"].unique()):
        label = f"{size} level{'s' if size > 1 else ''} below target"
        data.append(
            {
                "type": "bar",
                "x": [aspect_names[aspect] for aspect in aspects],
                "y": [int(counts.get((size, aspect), 0)) for aspect in aspects],
                "name": label,
                "marker": {"color": GAP_COLORS.get(size, "#8a94a3")},
                "hovertemplate": "%{x}: %{y} teams<extra>" + label + "</extra>",
            }
        )
    layout = base_layout(height=300, barmode="stack")
    layout["legend"] = LEGEND_ABOVE
    layout["yaxis"] = axis(title={"text": "Teams"}, **({"dtick": 1} if len(gaps) <= 12 else {}))
    return go.Figure(data=data, layout=layout)
