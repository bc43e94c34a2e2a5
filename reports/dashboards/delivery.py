"""Delivery metrics per team: the four DORA keys with what each is based on, its band, and its history.

Signals describe systems, not people, so the page lists every team the reader may see, and only those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports.charts.delivery import history_figure
from reports.dashboards import ChartBlock, PageNotFound
from reports.frames.delivery import METRICS, SIGNAL_KEYS, Bands, current_metrics, metric_history, read_bands
from reports.selectors import Scope, delivery_signals
from reports.tables import Column

METRIC_TABLE_COLUMNS = (
    Column("team", "Team"),
    Column("subject", "Source"),
    Column("metric_name", "Metric"),
    Column("shown", "Figure"),
    Column("basis_label", "Based on"),
    Column("band_label", "Band"),
    Column("reported", "The band's range in the report"),
    Column("observed_at", "Collected", "date"),
)
HISTORY_TABLE_COLUMNS = (
    Column("series", "Team and source"),
    Column("observed_at", "Collected", "date"),
    Column("value", "Value"),
)


@dataclass
class DeliveryPage:
    bands: Bands
    teams: list[dict[str, Any]]
    team: dict[str, Any] | None
    metrics: pd.DataFrame
    history: pd.DataFrame
    blocks: list[ChartBlock] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.metrics.empty

    def per_team(self) -> list[dict[str, Any]]:
        """For the page: each team, then each of its sources with the four metrics in order."""
        teams: list[dict[str, Any]] = []
        for (team_id, team), rows in self.metrics.groupby(["team_id", "team"], sort=False):
            sources = [
                {"subject": subject, "metrics": group.to_dict("records")}
                for (subject, _), group in rows.groupby(["subject", "basis"], sort=False)
            ]
            teams.append({"team_id": int(team_id), "team": team, "sources": sources})
        return teams


def delivery_data(scope: Scope, *, team_id: int | None) -> DeliveryPage:
    bands = read_bands()
    teams = scope.teams[["team_id", "team"]].to_dict("records")
    chosen = None
    if team_id is not None:
        chosen = next((team for team in teams if int(team["team_id"]) == team_id), None)
        if chosen is None:
            raise PageNotFound(f"No team {team_id} that you can see.")
    names = {int(team["team_id"]): str(team["team"]) for team in ([chosen] if chosen else teams)}
    signals = delivery_signals(scope, SIGNAL_KEYS)
    page = DeliveryPage(
        bands=bands,
        teams=teams,
        team=chosen,
        metrics=current_metrics(signals, bands, names),
        history=metric_history(signals, names),
    )
    page.blocks.append(
        ChartBlock(
            key="metrics",
            title="Delivery metrics now",
            figure=None,
            table=page.metrics,
            columns=METRIC_TABLE_COLUMNS,
            description=f"Bands: {bands.source} ({bands.year}).",
        )
    )
    for metric in METRICS:
        measures = bands.metrics[metric]
        points = page.history[page.history["metric"] == metric]
        page.blocks.append(
            ChartBlock(
                key=f"history-{metric.replace('_', '-')}",
                title=f"{measures.name} over time",
                figure=history_figure(points, measures, bands),
                table=points,
                columns=HISTORY_TABLE_COLUMNS,
                description=f"Each collection run or push adds a point ({measures.unit}); dotted lines are the "
                f"edges of the DORA {bands.year} bands.",
            )
        )
    return page
