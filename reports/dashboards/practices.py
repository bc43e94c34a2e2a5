"""Practices and the gap: which delivery practices the application teams use, and what goes with them.

Every figure pools application teams; the per-team table lists only the teams the reader may open. Answers
and scores come through the one read path, so anonymous waves keep their rule here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from reports import conf
from reports.charts.practices import adoption_figure, adoption_trend_figure, comparison_figure
from reports.dashboards import ChartBlock, pick_wave
from reports.dashboards.cache import cached_part
from reports.frames.cooperation import cooperation_frames
from reports.frames.practice_texts import free_text_practices
from reports.frames.practices import (
    OUTCOME_LABELS,
    WHOLE_ORGANIZATION,
    adoption,
    adoption_counts,
    adoption_over_waves,
    comparisons,
    gap_by_domain,
    outcomes,
)
from reports.practices import read_practices
from reports.selectors import (
    TREND_SCORE_FIELDS,
    Scope,
    cooperation_answers,
    dashboard_freshness,
    free_text_review,
    latest_scores,
    links_frame,
    practice_signals,
    wave_answer_freshness,
    waves_frame,
    whole_organization,
)
from reports.tables import Column
from reports.vocabulary import vocabulary

ADOPTION_COLUMNS = (
    Column("name", "Practice"),
    Column("direct", "Directly (its own systems, answers or words)", "int"),
    Column("through_providers_only", "Only through its providers", "int"),
    Column("not_adopted", "Not seen", "int"),
    Column("share", "Share of application teams", "percent"),
)
COMPARISON_COLUMNS = (
    Column("name", "Practice"),
    Column("outcome_label", "Outcome"),
    Column("adopters", "Teams using it", "int"),
    Column("others", "Other teams", "int"),
    Column("difference", "Difference", "signed"),
    Column("low", "95% interval from", "signed"),
    Column("high", "to", "signed"),
    Column("sentence", "In words"),
)
DOMAIN_COLUMNS = (
    Column("name", "Capability"),
    Column("teams_needing", "Application teams that need it", "int"),
    Column("unmet_or_slow", "Unmet or waiting over a week", "int"),
    Column("share", "Share", "percent"),
)
TREND_COLUMNS = (
    Column("wave", "Wave"),
    Column("group", "Teams"),
    Column("name", "Practice"),
    Column("adopters", "Application teams using it", "int"),
    Column("teams", "Application teams", "int"),
    Column("share", "Share", "percent"),
)
TEAM_COLUMNS = (
    Column("team", "Team"),
    Column("name", "Practice"),
    Column("how", "How"),
    Column("provenance", "Based on"),
)


@dataclass
class PracticesPage:
    waves: pd.DataFrame
    wave: dict[str, Any] | None
    blocks: list[ChartBlock] = field(default_factory=list)
    catalog_version: str = ""
    practices: list[dict[str, str]] = field(default_factory=list)
    min_teams: int = 5
    comparisons_made: int = 0
    highlights: list[str] = field(default_factory=list)
    # the frames behind the blocks, as the API serves them
    adoption: pd.DataFrame | None = None
    comparisons: pd.DataFrame | None = None
    domains: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None


def practices_data(scope: Scope, *, wave_id: int | None, now: datetime, rubric_version: str | None = None) -> PracticesPage:
    catalog = read_practices()
    words = vocabulary()
    waves = waves_frame(scope.organization)
    page = PracticesPage(
        waves=waves,
        wave=pick_wave(waves, wave_id, now=now),
        catalog_version=catalog.version,
        practices=[{"key": p.key, "name": p.name, "description": p.description} for p in catalog.practices],
        min_teams=conf.practice_min_teams(),
    )
    if page.wave is None:
        return page
    wave = int(page.wave["wave_id"])
    everyone = whole_organization(scope)
    teams = everyone.teams
    app_teams = teams.loc[teams["kind"] == "application", "team_id"].astype(int).tolist()
    names = dict(zip(teams["team_id"].astype(int), teams["team"], strict=True))
    links = links_frame(scope.organization)
    answers = cooperation_answers(everyone, wave_id=wave)
    scores = latest_scores(everyone, wave_ids=[wave], fields=TREND_SCORE_FIELDS, rubric_version=rubric_version)
    signals = practice_signals(everyone, catalog.signal_keys)
    _, unmet = cooperation_frames(answers, links)

    def adopted_in(wave_id: int, wave_answers: pd.DataFrame) -> pd.DataFrame:
        texts, tags = free_text_review(everyone, wave_id=wave_id)
        return adoption(
            app_teams,
            [wave_id],
            signals=signals,
            answers=wave_answers,
            links=links,
            practices=catalog.practices,
            team_names=names,
            answer_share=catalog.answer_share,
            free_text=free_text_practices(texts, tags, catalog.practices),
        )

    rows = adopted_in(wave, answers)
    counts = adoption_counts(rows, catalog.names)
    page.adoption = counts
    page.blocks.append(
        ChartBlock(
            key="adoption",
            title="Practices the application teams use",
            figure=adoption_figure(counts),
            table=counts,
            columns=ADOPTION_COLUMNS,
            description="A team uses a practice in its own repositories or clusters when collected evidence shows it "
            "there, when its respondents say capabilities reach it that way, or when what they wrote about how their "
            "services are set up names it (free text, imported issues included, as tagged and reviewed); through its "
            "providers when a platform it consumes runs it on the team's workloads, or when its respondents mostly "
            "get capabilities that way.",
        )
    )

    outcome_rows = outcomes(app_teams, answers=answers, unmet=unmet, scores=scores, links=links)
    table = comparisons(rows, outcome_rows, catalog.names, min_group=page.min_teams)
    table["name"] = table["practice"].map(catalog.names)
    table["outcome_label"] = table["outcome"].map(OUTCOME_LABELS)
    page.comparisons = table
    enough = table[table["enough"].astype(bool)] if not table.empty else table
    page.comparisons_made = len(enough)
    page.highlights = (
        enough.assign(size=enough["difference"].abs()).nlargest(3, "size")["sentence"].tolist() if len(enough) else []
    )
    waits = table[table["outcome"] == "median_wait_days"] if not table.empty else table
    page.blocks.append(
        ChartBlock(
            key="comparisons",
            title="Practices and the gap",
            figure=comparison_figure(waits, OUTCOME_LABELS["median_wait_days"]) if not table.empty else None,
            table=table,
            columns=COMPARISON_COLUMNS,
            description=f"Application teams that use each practice against the other application teams, for each "
            f"outcome of this wave. The interval is a 95% bootstrap interval; below {page.min_teams} teams on either "
            "side the row says there are not enough teams. The chart shows the difference in the median wait.",
        )
    )

    domains = gap_by_domain(answers, unmet, app_teams, words.capabilities)
    page.domains = domains
    page.blocks.append(
        ChartBlock(
            key="domains",
            title="Where the gap shows",
            figure=None,
            table=domains,
            columns=DOMAIN_COLUMNS,
            description="Per capability domain, the application teams that need it and how many of them cannot get it "
            "from their platforms or usually wait more than a week for it.",
        )
    )

    # Adoption over the waves that have opened, oldest first; signals are the current ones in every wave.
    # Each earlier wave's rows are kept under that wave's answers and everything else adoption reads, so a new
    # answer in the current wave does not make the page count every earlier wave again.
    opened = page.waves[page.waves["opens_at"] <= now].iloc[::-1]
    fresh, per_wave = dashboard_freshness(scope.organization, now=now), wave_answer_freshness(scope.organization)
    shared = (
        scope.organization.pk,
        catalog.version,
        fresh.signal,
        fresh.evaluation,
        fresh.tag,
        fresh.decided,
        fresh.links,
        len(teams),
    )

    def earlier(wave_id: int) -> pd.DataFrame:
        return cached_part(
            "practice-adoption",
            (*shared, wave_id, per_wave.get(wave_id)),
            build=lambda: adopted_in(wave_id, cooperation_answers(everyone, wave_id=wave_id)),
        )

    history = [rows if int(w) == wave else earlier(int(w)) for w in opened["wave_id"]]
    groups = dict(zip(teams["team_id"].astype(int), teams["group"], strict=True))
    wave_names = dict(zip(opened["wave_id"].astype(int), opened["wave"], strict=True))
    trend = adoption_over_waves(pd.concat(history or [rows], ignore_index=True), groups, catalog.names, wave_names)
    page.trend = trend
    page.blocks.append(
        ChartBlock(
            key="trend",
            title="Practices over the waves",
            figure=adoption_trend_figure(trend, WHOLE_ORGANIZATION),
            table=trend,
            columns=TREND_COLUMNS,
            description="The share of application teams using each practice (directly or through their providers), "
            "wave by wave: the chart for the whole organization, the table for it and for each group of teams. "
            "Collected signals are the current ones in every wave.",
        )
    )

    visible = rows[rows["team_id"].isin(scope.team_ids) & rows["adopted"]]
    team_rows = visible.assign(
        team=visible["team_id"].map(names),
        name=visible["practice"].map(catalog.names),
        how=[
            "directly" + (" and through its providers" if through else "") if direct else "through its providers"
            for direct, through in zip(visible["direct"], visible["through_providers"], strict=True)
        ],
        provenance=[
            "; ".join(items[:3]) + (f" (and {len(items) - 3} more)" if len(items) > 3 else "") for items in visible["provenance"]
        ],
    )
    page.blocks.append(
        ChartBlock(
            key="teams",
            title="What each team's practices rest on",
            figure=None,
            table=team_rows[["team", "name", "how", "provenance"]].sort_values(["team", "name"]).reset_index(drop=True),
            columns=TEAM_COLUMNS,
            description="The signals and answers behind each team's practices, for the teams you may open.",
        )
    )
    return page
