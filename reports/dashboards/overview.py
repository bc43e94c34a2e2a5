"""The organization overview: the heat map of teams by aspect, with filters, and response rates per wave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from django.urls import reverse

from reports.charts.maturity import heatmap_figure
from reports.dashboards import ChartBlock, PageNotFound, pick_wave
from reports.frames.heatmap import MARKS, heatmap_frame, heatmap_rows, response_rates
from reports.selectors import HEAT_SCORE_FIELDS, Scope, latest_scores, participation_frame, waves_frame
from reports.tables import Column
from reports.vocabulary import vocabulary

TEAMS_PER_PAGE = 50


@dataclass(frozen=True)
class OverviewFilters:
    wave_id: int | None = None
    kind: str = ""
    group_id: int | None = None
    page: int = 1

    @property
    def narrowing(self) -> bool:
        """Whether a kind or group filter narrows the teams."""
        return bool(self.kind) or self.group_id is not None


@dataclass
class Overview:
    waves: pd.DataFrame
    wave: dict[str, Any] | None
    groups: list[tuple[int, str]]
    kinds: list[str]
    blocks: list[ChartBlock] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1
    teams_total: int = 0
    wave_answered: int = 0  # teams with results in the wave among all the reader sees, whatever the filters


def rate_columns() -> tuple[Column, ...]:
    return (
        Column("wave", "Wave"),
        Column("opens_at", "Opens", "date"),
        Column("closes_at", "Closes", "date"),
        Column("invited_teams", "Teams invited", "int"),
        Column("answered_teams", "Teams answered", "int"),
        Column("team_rate", "Team rate", "percent"),
        Column("invitations", "Links", "int"),
        Column("submitted", "Submitted", "int"),
        Column("drafts", "Drafts", "int"),
        Column("response_rate", "Response rate", "percent"),
    )


def heatmap_columns() -> tuple[Column, ...]:
    return (
        Column("team", "Team"),
        Column("kind", "Kind", "title"),
        Column("group", "Group"),
        Column("aspect", "Aspect"),
        Column("level", "Level", "level"),
        Column("score", "Score", "score"),
        Column("respondents", "Respondents", "int"),
        Column("spread", "Spread", "score"),
        Column("status", "Evidence status"),
        Column("confidence_label", "Confidence"),
        Column("target_level", "Target", "level"),
        *(Column(mark.column, mark.column.replace("_", " ").capitalize(), "bool") for mark in MARKS),
    )


def _filtered(teams: pd.DataFrame, filters: OverviewFilters) -> pd.DataFrame:
    rows = teams
    if filters.kind:
        rows = rows[rows["kind"] == filters.kind]
    if filters.group_id is not None:
        rows = rows[rows["group_id"] == filters.group_id]
    return rows


def overview_data(
    scope: Scope,
    filters: OverviewFilters,
    *,
    now: datetime,
    per_page: int | None = TEAMS_PER_PAGE,
    rubric_version: str | None = None,
) -> Overview:
    """The overview under one rubric (the current one by default); `per_page=None` puts every team on one page
    (for the export)."""
    words = vocabulary()
    aspects = list(words.aspects)
    waves = waves_frame(scope.organization)
    groups = sorted(
        {(int(g), str(name)) for g, name in zip(scope.teams["group_id"], scope.teams["group"], strict=True) if pd.notna(g)},
        key=lambda pair: pair[1].casefold(),
    )
    if filters.group_id is not None and filters.group_id not in {g for g, _ in groups}:
        raise PageNotFound(f"No group {filters.group_id} among the teams you can see.")
    result = Overview(
        waves=waves, wave=pick_wave(waves, filters.wave_id, now=now), groups=groups, kinds=sorted(set(scope.teams["kind"]))
    )
    if result.wave is None:
        return result
    wave_id = int(result.wave["wave_id"])
    scores = latest_scores(scope, wave_ids=[wave_id], fields=HEAT_SCORE_FIELDS, rubric_version=rubric_version)
    result.wave_answered = int(scores.dropna(subset=["level"])["team_id"].nunique())
    teams = _filtered(scope.teams, filters)
    heat = heatmap_frame(scores, teams, aspects)
    team_count = heat["team_id"].nunique()
    result.teams_total = team_count
    size = per_page or max(1, team_count)
    result.pages = max(1, -(-team_count // size))
    result.page = min(max(1, filters.page), result.pages)
    page_ids = list(dict.fromkeys(heat["team_id"]))[(result.page - 1) * size : result.page * size]
    page_heat = heat[heat["team_id"].isin(page_ids)]
    result.rows = heatmap_rows(page_heat)
    answered = heat.dropna(subset=["level"])
    result.summary = {
        "teams": team_count,
        "answered": answered["team_id"].nunique(),
        **{mark.column: int(answered.loc[answered[mark.column], "team_id"].nunique()) for mark in MARKS},
    }
    result.blocks.append(
        ChartBlock(
            key="heatmap",
            title="Teams by aspect",
            figure=heatmap_figure(
                page_heat,
                words.aspects,
                words.levels,
                team_links={int(team_id): reverse("reports:team", args=[int(team_id)]) for team_id in page_ids},
            ),
            table=heat,
            columns=heatmap_columns(),
            description="Colour is the team's level on each aspect; marks flag what needs a closer look.",
            table_rows=None,
        )
    )
    participation = participation_frame(wave_ids=[int(w) for w in waves["wave_id"]], team_ids=scope.team_filter())
    participation = participation[participation["team_id"].isin(teams["team_id"])]
    rates = response_rates(participation, waves)
    result.blocks.append(
        ChartBlock(
            key="response_rates",
            title="Response rates per wave",
            figure=None,
            table=rates,
            columns=rate_columns(),
            description=(
                "Team rate: the share of invited teams with at least one submitted response. "
                "Response rate: submitted responses per live invitation link."
            ),
        )
    )
    return result
