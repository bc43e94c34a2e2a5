"""Maturity charts: the organization heat map, a team's radar, trends across waves and level distributions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from reports.benchmarks import Benchmark
from reports.charts.base import (
    ASPECT_COLORS,
    LEVEL_COLORS,
    MUTED,
    axis,
    base_layout,
    discrete_level_scale,
    empty_figure,
    level_axis,
    plot_dates,
    text_color_on,
)

ANNOTATION_COLORS = {"event": "#b3261e", "rubric": "#6b5fc7", "wave": "#9aa5b1"}
# (colour, dash, marker) per published benchmark line: two lines differ in all three, not in dash alone.
BENCHMARK_STYLES = (("#1d2733", "dash", "diamond"), ("#8a5a00", "dot", "square"))
LEVEL_TEXT_COLORS = {level: text_color_on(color) for level, color in LEVEL_COLORS.items()}


def _team_labels(heat: pd.DataFrame) -> list[str]:
    """Row labels, one per team in frame order; a repeated name gets its slug added."""
    teams = heat.drop_duplicates("team_id")
    counts = teams["team"].value_counts()
    return [f"{name} ({slug})" if counts[name] > 1 else name for name, slug in zip(teams["team"], teams["slug"], strict=True)]


def heatmap_figure(
    heat: pd.DataFrame,
    aspect_names: Mapping[str, str],
    level_names: Mapping[int, str],
    *,
    team_links: Mapping[int, str] | None = None,
) -> go.Figure:
    """Teams (rows) by aspects (columns), coloured by level.

    Each cell also says its level number and marks in a text colour picked for contrast with the fill, so
    colour is never the only carrier; respondents and confidence are on hover and in the table below the
    chart. `team_links` (team id to address) lets a click on a cell or a team name open the team's page.
    """
    if heat.empty:
        return empty_figure("No teams to show.")
    aspects = list(dict.fromkeys(heat["aspect"]))
    team_ids = list(dict.fromkeys(heat["team_id"]))
    grid = heat.set_index(["team_id", "aspect"])
    index = pd.MultiIndex.from_product([team_ids, aspects])
    levels = grid["level"].reindex(index).to_numpy(dtype=float).reshape(len(team_ids), len(aspects))
    scores = grid["score"].reindex(index).to_numpy(dtype=float).reshape(len(team_ids), len(aspects))
    respondents = grid["respondents"].reindex(index).fillna(0).to_numpy(dtype=float).reshape(len(team_ids), len(aspects))
    marks = grid["marks"].reindex(index).fillna("").to_numpy(dtype=object).reshape(len(team_ids), len(aspects))
    confidence = grid["confidence_label"].reindex(index).fillna("").to_numpy(dtype=object).reshape(len(team_ids), len(aspects))
    z = [[None if np.isnan(value) else int(value) for value in row] for row in levels]
    names = np.vectorize(lambda level: level_names.get(int(level), "") if not np.isnan(level) else "", otypes=[object])(levels)
    customdata = np.dstack([np.where(np.isnan(scores), -1, scores), respondents, confidence, names]).tolist()
    columns = [aspect_names.get(aspect, aspect) for aspect in aspects]
    rows = _team_labels(heat)
    layout = base_layout(height=max(240, 110 + 28 * len(team_ids)), margin={"l": 10, "r": 10, "t": 10, "b": 40})
    layout["xaxis"] = axis(side="top", showgrid=False, fixedrange=True)
    layout["yaxis"] = axis(autorange="reversed", showgrid=False, fixedrange=True)
    if team_links:
        layout["meta"] = {"team_links": {label: team_links[team_id] for label, team_id in zip(rows, team_ids, strict=True)}}
    cells = {
        "type": "heatmap",
        "z": z,
        "x": columns,
        "y": rows,
        "customdata": customdata,
        "hovertemplate": "%{y} · %{x}<br>Level %{z} %{customdata[3]}, score %{customdata[0]:.2f}<br>"
        "%{customdata[1]} respondents, %{customdata[2]} confidence<extra></extra>",
        "colorscale": discrete_level_scale(),
        "zmin": 0.5,
        "zmax": 4.5,
        "xgap": 2,
        "ygap": 2,
        # The page's legend names the levels; without a colour bar, narrow screens keep room for team names.
        "showscale": False,
        "hoverongaps": False,
    }
    labels: dict[str, list[Any]] = {"x": [], "y": [], "text": [], "color": []}
    for row_index, row in enumerate(z):
        for column_index, level in enumerate(row):
            if level is None:
                continue
            labels["x"].append(columns[column_index])
            labels["y"].append(rows[row_index])
            labels["text"].append(f"{level} {marks[row_index][column_index]}".strip())
            labels["color"].append(LEVEL_TEXT_COLORS[level])
    text = {
        "type": "scatter",
        "mode": "text",
        "x": labels["x"],
        "y": labels["y"],
        "text": labels["text"],
        "textfont": {"color": labels["color"], "size": 13},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    return go.Figure(data=[cells, text], layout=layout)


def radar_figure(profile: pd.DataFrame, aspect_names: Mapping[str, str], level_names: Mapping[int, str]) -> go.Figure:
    """Current, target and evidenced level per aspect on one radar; a missing value leaves a gap."""
    theta = [aspect_names.get(aspect, aspect) for aspect in profile["aspect"]]
    series = (
        ("Current level", "level", "#2f5fd0", "solid"),
        ("Target", "target_level", "#d07a2f", "dash"),
        ("Evidenced", "evidenced_level", "#3f9a5c", "dot"),
    )
    figure = go.Figure()
    for name, column, color, dash in series:
        values = [None if pd.isna(value) else int(value) for value in profile[column]]
        figure.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]] if values else [],
                theta=[*theta, theta[0]] if theta else [],
                name=name,
                mode="lines+markers",
                line={"color": color, "dash": dash, "width": 2},
                connectgaps=False,
                hovertemplate="%{theta}: level %{r}<extra>" + name + "</extra>",
            )
        )
    ticks = sorted(level_names)
    figure.update_layout(
        base_layout(height=420, margin={"l": 70, "r": 70, "t": 70, "b": 40}),
        polar={
            "radialaxis": {"range": [0, 4], "tickvals": ticks, "ticktext": [str(t) for t in ticks], "gridcolor": "#e3e7ed"},
            "angularaxis": {"gridcolor": "#e3e7ed"},
            "bgcolor": "#ffffff",
        },
        legend={"orientation": "h", "y": 1.12, "x": 0.5, "xanchor": "center", "yanchor": "bottom"},
    )
    return figure


def trend_figure(
    trend: pd.DataFrame,
    aspect_names: Mapping[str, str],
    level_names: Mapping[int, str],
    *,
    annotations: pd.DataFrame | None = None,
    benchmarks: Sequence[Benchmark] = (),
) -> go.Figure:
    """One panel per aspect, waves along a shared time axis; annotations as vertical lines across all panels.

    Benchmarks add a dashed line per panel at the published distribution's average level. The layout is
    written out in one piece rather than through `make_subplots`, which is several times slower.
    """
    if trend.empty:
        return empty_figure("No scores across waves yet.")
    aspects = list(aspect_names)
    count = len(aspects)
    gap = 0.035
    panel = (1 - gap * (count - 1)) / count
    waves = trend.drop_duplicates("wave_id")
    ticks, labels = plot_dates(waves["opens_at"]), waves["wave"].tolist()
    span = plot_dates([trend["opens_at"].min(), trend["opens_at"].max()])
    layout = base_layout(height=150 + 115 * count, margin={"l": 130, "r": 20, "t": 85, "b": 50}, hovermode="closest")
    # The legend sits at the very top of the figure, above the numbered annotations and the first panel's title.
    layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top"}
    data: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for index, aspect in enumerate(aspects):
        suffix = str(index + 1) if index else ""
        top = 1 - index * (panel + gap)
        layout[f"yaxis{suffix}"] = level_axis(level_names, domain=[top - panel, top], anchor=f"x{suffix}", tickfont={"size": 11})
        layout[f"xaxis{suffix}"] = axis(
            type="date", anchor=f"y{suffix}", tickvals=ticks, ticktext=labels, showticklabels=index == count - 1,
            **({"matches": "x"} if index else {}),
        )  # fmt: skip
        notes.append(
            {"text": aspect_names[aspect], "x": 0, "xref": "paper", "xanchor": "left", "y": top, "yref": "paper",
             "yanchor": "bottom", "showarrow": False, "font": {"size": 13}}
        )  # fmt: skip
        rows = trend[trend["aspect"] == aspect]
        data.append(
            {
                "type": "scatter",
                "x": plot_dates(rows["opens_at"]),
                "y": rows["score"].tolist(),
                "customdata": np.column_stack([rows["wave"], rows["teams"], rows["respondents"]]).tolist() if len(rows) else [],
                "name": aspect_names[aspect],
                "showlegend": False,
                "mode": "lines+markers",
                "line": {"color": ASPECT_COLORS[index % len(ASPECT_COLORS)], "width": 2},
                "marker": {"size": 8},
                "hovertemplate": "%{customdata[0]}: %{y:.2f}<br>%{customdata[1]} teams, %{customdata[2]} respondents"
                "<extra>" + aspect_names[aspect] + "</extra>",
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
            }
        )
        for number, benchmark in enumerate(benchmarks):
            style = BENCHMARK_STYLES[number % len(BENCHMARK_STYLES)]
            mean = benchmark.mean_level(aspect)
            data.append(
                {
                    "type": "scatter",
                    "x": span,
                    "y": [mean, mean],
                    "name": f"{benchmark.label}, average level",
                    "legendgroup": benchmark.key,
                    "showlegend": index == 0,
                    "mode": "lines+markers",
                    "line": {"color": style[0], "dash": style[1], "width": 1.5},
                    "marker": {"symbol": style[2], "size": 9, "color": style[0]},
                    "hovertemplate": f"{benchmark.label}: average level {mean:.2f}<extra></extra>",
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                }
            )
    shapes, markers = _annotation_marks(annotations)
    layout["shapes"] = shapes
    layout["annotations"] = notes + markers
    return go.Figure(data=data, layout=layout)


def _annotation_marks(annotations: pd.DataFrame | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A vertical line per annotation spanning every panel, and a numbered marker whose hover gives the label."""
    if annotations is None or annotations.empty:
        return [], []
    rows = annotations.reset_index(drop=True)
    shapes, markers = [], []
    for number, (record, date) in enumerate(zip(rows.to_dict("records"), plot_dates(rows["date"]), strict=True), start=1):
        color = ANNOTATION_COLORS.get(record["kind"], MUTED)
        shapes.append(
            {"type": "line", "x0": date, "x1": date, "y0": 0, "y1": 1, "xref": "x", "yref": "paper",
             "line": {"color": color, "width": 1, "dash": "dot"}}
        )  # fmt: skip
        markers.append(
            {"x": date, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom", "text": str(number),
             "hovertext": record["label"], "showarrow": False, "font": {"color": "#ffffff", "size": 11}, "bgcolor": color,
             "borderpad": 2}
        )  # fmt: skip
    return shapes, markers


def distribution_figure(
    distribution: pd.DataFrame,
    aspect_names: Mapping[str, str],
    level_names: Mapping[int, str],
    *,
    label: str,
    benchmarks: Sequence[Benchmark] = (),
) -> go.Figure:
    """Share of teams per level for each aspect, stacked to 100%, beside each benchmark's published shares."""
    if distribution.empty or distribution["teams"].sum() == 0:
        return empty_figure("No team has a level in this wave yet.")
    aspects = list(aspect_names)
    sources = [label, *[benchmark.label for benchmark in benchmarks]]
    # Alone, each row is an aspect; beside benchmarks, rows are grouped by aspect and each says its source.
    categories: list[Any] = (
        [[aspect_names[a] for a in aspects for _ in sources], [s for _ in aspects for s in sources]]
        if benchmarks
        else [aspect_names[a] for a in aspects]
    )
    row_count = len(aspects) * len(sources)
    shares_of = distribution.set_index(["aspect", "level"])["share"].to_dict()
    data = []
    for level in sorted(level_names):
        shares: list[Any] = []
        for aspect in aspects:
            shares.append(float(shares_of.get((aspect, level), 0.0)))
            shares.extend(benchmark.levels[aspect][level - 1] for benchmark in benchmarks)
        data.append(
            {
                "type": "bar",
                "y": categories,
                "x": shares,
                "name": f"{level} {level_names[level]}",
                "orientation": "h",
                "marker": {"color": LEVEL_COLORS[level], "line": {"color": "#ffffff", "width": 1}},
                "hovertemplate": "%{y}: %{x:.1f}%<extra>" + f"Level {level}" + "</extra>",
            }
        )
    layout = base_layout(height=120 + 34 * row_count, barmode="stack", margin={"l": 10, "r": 20, "t": 40, "b": 40})
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"}
    layout["xaxis"] = axis(range=[0, 100], ticksuffix="%", title={"text": "Share at each level"})
    layout["yaxis"] = axis(autorange="reversed")
    return go.Figure(data=data, layout=layout)
