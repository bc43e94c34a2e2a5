"""The trend report: each aspect across waves for the organization, a group or a team, with annotations,
and the latest level distribution beside the published State of Platform Engineering figures and any
community benchmark loaded into this deployment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assessor.scoring.frames import LEVELS
from assessor.scoring.rubric import load_rubric
from reports import conf
from reports.benchmark_store import loaded_benchmarks
from reports.benchmarks import Benchmark, load_benchmarks
from reports.charts.maturity import distribution_figure, trend_figure
from reports.dashboards import ChartBlock, PageNotFound
from reports.frames.trends import (
    annotations_for,
    combine_annotations,
    level_distribution,
    numbered,
    rubric_annotations,
    trend_frame,
)
from reports.selectors import TREND_SCORE_FIELDS, Scope, annotations_frame, latest_scores, rubric_firsts, waves_frame
from reports.tables import Column
from reports.vocabulary import vocabulary

TREND_COLUMNS = (
    Column("wave", "Wave"),
    Column("opens_at", "Opens", "date"),
    Column("aspect_name", "Aspect"),
    Column("score", "Score", "score"),
    Column("level", "Level", "level"),
    Column("teams", "Teams", "int"),
    Column("respondents", "Respondents", "int"),
)
DISTRIBUTION_COLUMNS = (
    Column("source", "Source"),
    Column("aspect_name", "Aspect"),
    Column("level", "Level", "level"),
    Column("share", "Share (%)", "score"),
    Column("teams", "Teams", "int"),
)
ANNOTATION_TABLE_COLUMNS = (Column("number", "#", "int"), Column("date", "Date", "date"), Column("label", "What happened"))


@dataclass(frozen=True)
class TrendFilters:
    scope: str = "organization"
    key: int | None = None
    benchmark: bool = False
    community: bool = False


@dataclass
class TrendsPage:
    filters: TrendFilters
    title: str
    waves: pd.DataFrame
    scopes: list[tuple[str, int | None, str]]
    rubric_version: str
    benchmarks: tuple[Benchmark, ...] = ()
    community_benchmarks: tuple[Benchmark, ...] = ()  # loaded ones, offered whether shown or not
    blocks: list[ChartBlock] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    latest_wave: str = ""


def _scopes(scope: Scope) -> list[tuple[str, int | None, str]]:
    """The scopes this reader may pick: the organization and groups only when they see every team."""
    choices: list[tuple[str, int | None, str]] = []
    if scope.org_wide:
        choices.append(("organization", None, scope.organization.name))
        groups = scope.teams.dropna(subset=["group_id"]).drop_duplicates("group_id").sort_values("group")
        choices.extend(("group", int(g), f"Group: {name}") for g, name in zip(groups["group_id"], groups["group"], strict=True))
    choices.extend(("team", int(t), f"Team: {name}") for t, name in zip(scope.teams["team_id"], scope.teams["team"], strict=True))
    return choices


def trends_data(scope: Scope, filters: TrendFilters) -> TrendsPage:
    words = vocabulary()
    aspects = list(words.aspects)
    choices = _scopes(scope)
    if not scope.org_wide and filters.scope != "team" and choices:
        filters = TrendFilters(scope="team", key=choices[0][1], benchmark=filters.benchmark, community=filters.community)
    match = next((c for c in choices if c[0] == filters.scope and c[1] == filters.key), None)
    if match is None and choices:
        raise PageNotFound("You cannot see that organization, group or team.")
    rubric_version = load_rubric().version
    waves = waves_frame(scope.organization)
    community = loaded_benchmarks()
    published = load_benchmarks(conf.benchmarks_file()) if filters.benchmark else ()
    page = TrendsPage(
        filters=filters,
        title=match[2] if match else scope.organization.name,
        waves=waves,
        scopes=choices,
        rubric_version=rubric_version,
        benchmarks=(*(community[:1] if filters.community else ()), *published),
        community_benchmarks=community,
    )
    if waves.empty or match is None:
        return page
    team_ids = [filters.key] if filters.scope == "team" and filters.key is not None else None
    scores = latest_scores(
        scope,
        wave_ids=[int(w) for w in waves["wave_id"]],
        team_ids=team_ids,
        fields=TREND_SCORE_FIELDS,
        rubric_version=rubric_version,
    )
    trend = trend_frame(scores, waves, scope.teams, aspects, scope=filters.scope, key=filters.key)
    trend["aspect_name"] = trend["aspect"].map(words.aspects)
    group_id = None
    if filters.scope == "team":
        groups = scope.teams.loc[scope.teams["team_id"] == filters.key, "group_id"]
        group_id = int(groups.iloc[0]) if len(groups) and pd.notna(groups.iloc[0]) else None
    events = combine_annotations(
        annotations_for(annotations_frame(scope.organization), scope=filters.scope, key=filters.key, group_id=group_id),
        rubric_annotations(rubric_firsts(scope.organization)),
    )
    page.annotations = numbered(events)
    page.blocks.append(
        ChartBlock(
            key="trend",
            title="Each aspect across waves",
            figure=trend_figure(trend, words.aspects, words.levels, annotations=events, benchmarks=page.benchmarks),
            table=trend,
            columns=TREND_COLUMNS,
            extra={"annotations": page.annotations},
            description=(
                f"Every wave is scored with rubric {rubric_version}, so a movement is a change in answers or "
                "evidence, not in the scoring rules. Groups and the organization weigh each team by its respondents."
            ),
        )
    )
    if filters.scope == "group":
        scores = scores[scores["team_id"].isin(scope.teams.loc[scope.teams["group_id"] == filters.key, "team_id"])]
    page.blocks.append(_distribution_block(scores, trend, waves, page, words))
    return page


def _distribution_block(
    scores: pd.DataFrame, trend: pd.DataFrame, waves: pd.DataFrame, page: TrendsPage, words: Any
) -> ChartBlock:
    aspects = list(words.aspects)
    latest = trend["wave_id"].iloc[-1] if not trend.empty else None
    in_scope = scores[scores["wave_id"] == latest] if latest is not None else scores.iloc[0:0]
    page.latest_wave = str(waves.loc[waves["wave_id"] == latest, "wave"].iloc[0]) if latest is not None else ""
    own = level_distribution(in_scope, aspects).assign(source=f"{page.title}, {page.latest_wave}")
    published = [
        pd.DataFrame(
            [
                {"aspect": a, "level": level, "teams": None, "share": benchmark.levels[a][level - 1], "source": benchmark.label}
                for a in aspects
                for level in LEVELS
            ]
        )
        for benchmark in page.benchmarks
    ]
    table = pd.concat([own, *published], ignore_index=True)
    table["aspect_name"] = table["aspect"].map(words.aspects)
    return ChartBlock(
        key="distribution",
        title="Teams at each level",
        figure=distribution_figure(
            own, words.aspects, words.levels, label=f"{page.title}, {page.latest_wave}", benchmarks=page.benchmarks
        ),
        table=table,
        columns=DISTRIBUTION_COLUMNS,
        description="The share of teams at each level in the latest wave"
        + (
            ", beside " + ", ".join(benchmark.label for benchmark in page.benchmarks) + ". Those count individual "
            "respondents, not teams, so compare the shape rather than exact values."
            if page.benchmarks
            else "."
        ),
    )
