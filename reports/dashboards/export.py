"""A wave's report as one file: every overview, gap and practices chart with its table, and the wave's scores as CSV."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pandas as pd

from reports.charts.maturity import distribution_figure
from reports.dashboards import ChartBlock
from reports.dashboards.gaps import gaps_data
from reports.dashboards.overview import OverviewFilters, overview_data
from reports.dashboards.practices import practices_data
from reports.frames.common import with_team_names
from reports.frames.trends import level_distribution
from reports.selectors import TREND_SCORE_FIELDS, Scope, latest_scores
from reports.tables import Column
from reports.vocabulary import vocabulary

SCORE_COLUMNS = (
    Column("team", "Team"),
    Column("kind", "Kind", "title"),
    Column("group", "Group"),
    Column("aspect", "Aspect"),
    Column("score", "Score", "score"),
    Column("level", "Level", "level"),
    Column("respondents", "Respondents", "int"),
    Column("spread", "Spread", "score"),
    Column("disagreement", "Respondents disagree", "bool"),
    Column("status", "Evidence status"),
    Column("evidence_floor", "Evidence floor", "level"),
    Column("evidence_ceiling", "Evidence ceiling", "level"),
    Column("evidence_items", "Evidence items", "int"),
    Column("confidence", "Confidence", "score"),
    Column("confidence_label", "Confidence label"),
    Column("target_level", "Target", "level"),
    Column("gap", "Gap to target", "int"),
    Column("unverified", "Above own measurement", "bool"),
    Column("rubric_version", "Rubric"),
    Column("computed_at", "Computed"),
)
# The practices page's pooled figures (no per-team list: the report goes to everyone who may open the wave).
PRACTICE_BLOCKS = ("adoption", "comparisons", "trend")
DISTRIBUTION_COLUMNS = (
    Column("aspect_name", "Aspect"),
    Column("level", "Level", "level"),
    Column("teams", "Teams", "int"),
    Column("share", "Share (%)", "score"),
)


@dataclass
class WaveReport:
    wave: dict[str, Any]
    blocks: list[ChartBlock] = field(default_factory=list)
    heat_rows: list[dict[str, Any]] = field(default_factory=list)
    free_text: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)


def wave_scores(scope: Scope, wave_id: int) -> pd.DataFrame:
    """The wave's scores with team names, for the CSV export (teams the reader may see only)."""
    scores = latest_scores(scope, wave_ids=[wave_id])
    named = with_team_names(scores, scope.teams)
    return named.sort_values(["team", "aspect"], key=lambda s: s.str.casefold()).reset_index(drop=True)


def wave_report(scope: Scope, wave_id: int, *, now: datetime) -> WaveReport:
    words = vocabulary()
    overview = overview_data(scope, OverviewFilters(wave_id=wave_id), now=now, per_page=None)
    assert overview.wave is not None
    report = WaveReport(wave=overview.wave, heat_rows=overview.rows)
    report.blocks.extend(overview.blocks)
    scores = latest_scores(scope, wave_ids=[wave_id], fields=TREND_SCORE_FIELDS)
    distribution = level_distribution(scores, list(words.aspects))
    distribution["aspect_name"] = distribution["aspect"].map(words.aspects)
    report.blocks.append(
        ChartBlock(
            key="distribution",
            title="Teams at each level",
            figure=distribution_figure(distribution, words.aspects, words.levels, label=str(overview.wave["wave"])),
            table=distribution,
            columns=DISTRIBUTION_COLUMNS,
            description="The share of teams at each level, per aspect.",
        )
    )
    gaps = gaps_data(scope, wave_id=wave_id, now=now)
    report.blocks.extend(gaps.blocks)
    report.free_text = gaps.free_text
    practices = practices_data(scope, wave_id=wave_id, now=now)
    report.blocks.extend(
        replace(block, key=f"practices-{block.key}", title=f"Practices: {block.title[0].lower()}{block.title[1:]}")
        for block in practices.blocks
        if block.key in PRACTICE_BLOCKS
    )
    return report
