"""Colours and layout every report chart shares, matching the service's stylesheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

# The strong level colours of static/assessor/app.css (--level-N-strong): levels are ordered, so one hue
# gets darker level by level, and a level reads from its lightness even without colour vision.
LEVEL_COLORS = {1: "#d6e6f7", 2: "#8ab8de", 3: "#2c6db3", 4: "#0c2f66"}
ASPECT_COLORS = ("#2f5fd0", "#b5589b", "#1f8a8a", "#d07a2f", "#6b5fc7")
SERIES_COLORS = ("#2f5fd0", "#d07a2f", "#3f9a5c", "#b5589b", "#1f8a8a", "#8a6d3b", "#6b5fc7", "#b3261e")
INK = "#1d2733"
MUTED = "#5b6775"
GRID = "#e3e7ed"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of a "#rrggbb" colour."""
    channels = [int(color.lstrip("#")[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two "#rrggbb" colours, from 1 to 21."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_color_on(background: str) -> str:
    """Ink or white, whichever reads better on the background."""
    return INK if contrast_ratio(INK, background) >= contrast_ratio("#ffffff", background) else "#ffffff"


def base_layout(**overrides: Any) -> dict[str, Any]:
    """A plain layout (no plotly template, so the JSON stays small) in the service's colours."""
    layout: dict[str, Any] = {
        "template": "none",
        "font": {"family": FONT, "size": 13, "color": INK},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    }
    layout.update(overrides)
    return layout


def axis(**overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID, "automargin": True}
    settings.update(overrides)
    return settings


def level_axis(level_names: Mapping[int, str], **overrides: Any) -> dict[str, Any]:
    """An axis from level 1 to 4 with the level names as ticks."""
    ticks = sorted(level_names)
    return axis(
        range=[0.7, 4.3],
        tickvals=ticks,
        ticktext=[f"{number} {level_names[number]}" for number in ticks],
        **overrides,
    )


def empty_figure(message: str) -> go.Figure:
    layout = base_layout(height=200, xaxis={"visible": False}, yaxis={"visible": False})
    layout["annotations"] = [
        {"text": message, "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "font": {"color": MUTED}}
    ]
    return go.Figure(layout=layout)


def discrete_level_scale() -> list[list[Any]]:
    """A heat-map colour scale with one solid band per level, for z from 0.5 to 4.5."""
    scale: list[list[Any]] = []
    for index, level in enumerate(sorted(LEVEL_COLORS)):
        scale.append([index / 4, LEVEL_COLORS[level]])
        scale.append([(index + 1) / 4, LEVEL_COLORS[level]])
    return scale


def plot_dates(values: Any) -> list[str]:
    """Dates as plotly.js reads them: UTC without an offset (it does not parse "+00:00")."""
    stamps = pd.to_datetime(pd.Series(list(values)), utc=True)
    return [stamp.strftime("%Y-%m-%d %H:%M:%S") for stamp in stamps.dt.tz_localize(None)]
