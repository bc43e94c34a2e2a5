"""The trend report: each aspect across waves for the organization, a group or a team, with annotations,
and the latest level distribution beside the published State of Platform Engineering figures and any
community benchmark loaded into this deployment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assessor.scoring.frames import LEVELS
from assessor.scoring.rubric import available_versions, load_rubric
from reports import conf
from reports.benchmark_store import loaded_benchmarks
from reports.benchmarks import Benchmark, load_benchmarks
from reports.charts.maturity import distribution_figure, trend_figure
from reports.dashboards import ChartBlock, PageNotFound
from reports.frames.rubric_moves import first_reported, rubric_firsts_of, rubric_moves
from reports.frames.trends import (
    annotations_for,
    combine_annotations,
    level_distribution,
    numbered,
    rubric_annotations,
    trend_frame,
)
from reports.selectors import TREND_SCORE_FIELDS, Scope, annotations_frame, latest_scores, wave_rubrics, waves_frame
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
MOVE_TABLE_COLUMNS = (
    Column("aspect_name", "Aspect"),
    Column("wave_before", "From wave"),
    Column("wave", "To wave"),
    Column("reported", "As reported"),
    Column("same", "Under one rubric"),
    Column("cause", "The movement comes from"),
)
ANNOTATION_TABLE_COLUMNS = (Column("number", "#", "int"), Column("date", "Date", "date"), Column("label", "What happened"))


@dataclass(frozen=True)
class TrendFilters:
    scope: str = "organization"
    key: int | None = None
    benchmark: bool = False
    rubric: str = ""  # a bundled rubric version; the current one when empty
    community: bool = False


@dataclass
class TrendsPage:
    filters: TrendFilters
    title: str
    waves: pd.DataFrame
    scopes: list[tuple[str, int | None, str]]
    rubric_version: str
    reported_under: dict[str, list[str]] = field(default_factory=dict)  # other rubric -> waves first reported under it
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
        filters = TrendFilters(
            scope="team", key=choices[0][1], benchmark=filters.benchmark, rubric=filters.rubric, community=filters.community
        )
    match = next((c for c in choices if c[0] == filters.scope and c[1] == filters.key), None)
    if match is None and choices:
        raise PageNotFound("You cannot see that organization, group or team.")
    rubric = load_rubric(filters.rubric or None)
    rubric_version = rubric.version
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
    trend = trend_frame(scores, waves, scope.teams, aspects, scope=filters.scope, key=filters.key, banding=rubric.banding)
    trend["aspect_name"] = trend["aspect"].map(words.aspects)
    group_id = None
    if filters.scope == "team":
        groups = scope.teams.loc[scope.teams["team_id"] == filters.key, "group_id"]
        group_id = int(groups.iloc[0]) if len(groups) and pd.notna(groups.iloc[0]) else None
    firsts = wave_rubrics(scope.organization)
    events = combine_annotations(
        annotations_for(annotations_frame(scope.organization), scope=filters.scope, key=filters.key, group_id=group_id),
        rubric_annotations(rubric_firsts_of(firsts)),
    )
    moves = _rubric_moves(scope, filters, page, scores, trend, first_reported(firsts))
    page.annotations = numbered(events)
    page.blocks.append(
        ChartBlock(
            key="trend",
            title="Each aspect across waves",
            figure=trend_figure(trend, words.aspects, words.levels, annotations=events, benchmarks=page.benchmarks),
            table=trend,
            columns=TREND_COLUMNS,
            extra={"annotations": page.annotations},
            description=_trend_description(page),
        )
    )
    if page.reported_under:
        moves["aspect_name"] = moves["aspect"].map(words.aspects)
        page.blocks.append(
            ChartBlock(
                key="rubric_moves",
                title="Movements across a rubric change",
                figure=None,
                table=moves,
                columns=MOVE_TABLE_COLUMNS,
                description=(
                    "Where two waves in a row were first reported under different rubrics: each aspect's level as "
                    f"reported then, the levels of both waves under rubric {rubric_version}, and whether the "
                    "movement comes from the team or from the rubric."
                    + ("" if not moves.empty else " No level moved across a rubric change.")
                ),
            )
        )
    if filters.scope == "group":
        scores = scores[scores["team_id"].isin(scope.teams.loc[scope.teams["group_id"] == filters.key, "team_id"])]
    page.blocks.append(_distribution_block(scores, trend, waves, page, words))
    return page


def _trend_description(page: TrendsPage) -> str:
    own = (
        f"Every wave is scored here with rubric {page.rubric_version}, so a movement on the chart is a change in "
        "answers or evidence, not in the scoring rules."
    )
    if page.reported_under:
        earlier = "; ".join(f"{', '.join(waves)} under rubric {version}" for version, waves in page.reported_under.items())
        own += (
            f" Some waves were first reported under another rubric ({earlier}); what was reported then may have "
            "moved because the rubric changed: see the movements across a rubric change below."
        )
    return own + " Groups and the organization weigh each team by its respondents."


def _rubric_moves(
    scope: Scope,
    filters: TrendFilters,
    page: TrendsPage,
    scores: pd.DataFrame,
    trend: pd.DataFrame,
    reported_as: dict[int, str],
) -> pd.DataFrame:
    """Each wave's levels as first reported (one read per other rubric), set against the chosen rubric's."""
    shown = [int(w) for w in dict.fromkeys(trend["wave_id"])]
    by_version: dict[str, list[int]] = {}
    for wave in shown:
        by_version.setdefault(reported_as.get(wave, page.rubric_version), []).append(wave)
    known = set(available_versions())
    names = dict(zip(page.waves["wave_id"], page.waves["wave"], strict=True))
    page.reported_under = {
        version: [str(names[w]) for w in waves] for version, waves in by_version.items() if version != page.rubric_version
    }
    if not page.reported_under:
        return pd.DataFrame()
    team_ids = [filters.key] if filters.scope == "team" and filters.key is not None else None
    parts = []
    for version, waves in by_version.items():
        if version == page.rubric_version:
            version_scores = scores[scores["wave_id"].isin(waves)]
        elif version in known:
            version_scores = latest_scores(
                scope, wave_ids=waves, team_ids=team_ids, fields=TREND_SCORE_FIELDS, rubric_version=version
            )
        else:  # a rubric file no longer shipped: its levels cannot be banded again
            continue
        banding = load_rubric(version).banding
        frame = trend_frame(
            version_scores,
            page.waves,
            scope.teams,
            list(vocabulary().aspects),
            scope=filters.scope,
            key=filters.key,
            banding=banding,
        )
        parts.append(frame[frame["wave_id"].isin(waves)].assign(rubric_version=version))
    reported = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    moves = rubric_moves(reported, trend, version=page.rubric_version)
    moves["reported"] = [
        f"{a} → {b} (rubric {ra} → {rb})"
        for a, b, ra, rb in zip(
            moves["level_before_reported"], moves["level_reported"], moves["rubric_before"], moves["rubric"], strict=True
        )
    ]
    moves["same"] = [
        "-" if pd.isna(a) or pd.isna(b) else f"{int(a)} → {int(b)}"
        for a, b in zip(moves["level_before_same"], moves["level_same"], strict=True)
    ]
    return moves


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
