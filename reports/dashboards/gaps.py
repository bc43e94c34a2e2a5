"""The gap report: target gaps ranked, perception gaps, and cooperation gaps with pains and suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from reports.charts.gaps import delivery_figure, demand_supply_figure, perception_figure, target_gap_figure, wait_figure
from reports.dashboards import ChartBlock, pick_wave
from reports.frames.cooperation import (
    cooperation_frames,
    delivery_modes,
    demand_supply,
    free_text_by_capability,
    unmet_table,
    wait_times,
)
from reports.frames.gaps import perception_frame, perception_table, target_gaps
from reports.freetext import capability_decisions
from reports.selectors import (
    GAP_SCORE_FIELDS,
    Scope,
    cooperation_answers,
    evidenced_capabilities,
    free_text_review,
    latest_scores,
    links_frame,
    visible_perception,
    waves_frame,
    whole_organization,
)
from reports.tables import Column, render_table
from reports.vocabulary import vocabulary

TARGET_COLUMNS = (
    Column("team", "Team"),
    Column("kind", "Kind", "title"),
    Column("group", "Group"),
    Column("aspect_name", "Aspect"),
    Column("level", "Current level", "level"),
    Column("target_level", "Target", "level"),
    Column("gap", "Gap", "int"),
    Column("score", "Score", "score"),
    Column("confidence_label", "Confidence"),
)
PERCEPTION_COLUMNS = (
    Column("team", "Platform team"),
    Column("aspect_name", "Aspect"),
    Column("provider_score", "Own view", "score"),
    Column("consumer_score", "Consumers' view", "score"),
    Column("gap", "Gap", "signed"),
    Column("consumer_teams", "Consumer teams", "int"),
    Column("consumer_respondents", "Consumer respondents", "int"),
    Column("expected_consumer_score", "Expected consumers' view", "score"),
    Column("expectation_gap", "Expectation gap", "signed"),
)
DEMAND_COLUMNS = (
    Column("name", "Capability"),
    Column("demand", "Teams that need it", "int"),
    Column("supply", "Teams that provide it", "int"),
    Column("unmet", "Unmet needs", "int"),
    Column("self_service_share", "Self-service or automatic", "percent"),
    Column("typical_wait", "Typical wait"),
)
DELIVERY_COLUMNS = (Column("name", "Capability"), Column("label", "Delivery"), Column("answers", "Answers", "int"))
WAIT_COLUMNS = (Column("name", "Capability"), Column("label", "Wait"), Column("answers", "Answers", "int"))
UNMET_COLUMNS = (
    Column("team", "Team"),
    Column("name", "Capability"),
    Column("reason", "Why it is unmet"),
    Column("delivery", "How they get it now"),
    Column("wait", "Wait"),
)
FREE_TEXT_COLUMNS = (
    Column("name", "Capability"),
    Column("category", "Kind"),
    Column("team", "Team"),
    Column("text", "In their words"),
    Column("source", "From"),
)


@dataclass
class GapsPage:
    waves: pd.DataFrame
    wave: dict[str, Any] | None
    blocks: list[ChartBlock] = field(default_factory=list)
    free_text: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    # the frames behind the blocks, as the API serves them
    target: pd.DataFrame | None = None
    perception: pd.DataFrame | None = None
    matrix: pd.DataFrame | None = None
    unmet: pd.DataFrame | None = None


def _reachable(scope: Scope, links: pd.DataFrame) -> list[int]:
    """The teams a reader's cooperation view draws on: their own, and the providers their teams consume."""
    own = set(scope.team_ids)
    providers = set(links.loc[links["consumer_id"].isin(own), "provider_id"])
    return sorted(own | providers)


def gaps_data(scope: Scope, *, wave_id: int | None, now: datetime, rubric_version: str | None = None) -> GapsPage:
    words = vocabulary()
    aspects = list(words.aspects)
    waves = waves_frame(scope.organization)
    page = GapsPage(waves=waves, wave=pick_wave(waves, wave_id, now=now))
    if page.wave is None:
        return page
    wave = int(page.wave["wave_id"])
    # The consumers' side of a perception gap pools teams the reader may not open: it is read for the whole
    # organization, and `visible_perception` decides what of it the reader sees.
    everyone = whole_organization(scope)
    scores = latest_scores(everyone, wave_ids=[wave], fields=GAP_SCORE_FIELDS, rubric_version=rubric_version)
    links = links_frame(scope.organization)
    answers = cooperation_answers(everyone, wave_id=wave)

    gaps = target_gaps(scores[scores["team_id"].isin(scope.team_ids)], scope.teams, aspects)
    gaps["aspect_name"] = gaps["aspect"].map(words.aspects)
    page.target = gaps  # the block's own table (readers pick their columns), so a cached page holds it once
    page.blocks.append(
        ChartBlock(
            key="target_gaps",
            title="Gaps to target",
            figure=target_gap_figure(gaps, words.aspects),
            table=gaps,
            columns=TARGET_COLUMNS,
            description="Where teams stand below the level they set themselves. The table lists the widest gaps first.",
            table_rows=200,
            extra={"top": render_table(gaps.head(10), TARGET_COLUMNS)},
        )
    )

    perception = visible_perception(perception_table(perception_frame(scores, answers, links), scope.teams, aspects), scope)
    perception["aspect_name"] = perception["aspect"].map(words.aspects)
    page.perception = perception  # as above: one frame for the block and the API
    page.blocks.append(
        ChartBlock(
            key="perception",
            title="Platform teams and their consumers",
            figure=perception_figure(perception, words.aspects),
            table=perception,
            columns=PERCEPTION_COLUMNS,
            description=(
                "Each platform or infrastructure team's own score against the respondent-weighted score of the "
                "application teams that consume it. Above zero, the platform team rates itself higher than its users do."
            ),
        )
    )

    if not scope.org_wide:
        answers = answers[answers["team_id"].isin(_reachable(scope, links))]
    matrix, unmet_rows = cooperation_frames(answers, links, evidenced_capabilities(scope))
    page.matrix, page.unmet = matrix, unmet_rows
    demand = demand_supply(matrix[matrix["wave_id"] == wave] if not matrix.empty else matrix, words.capabilities)
    page.blocks.append(
        ChartBlock(
            key="demand_supply",
            title="Capabilities needed and provided",
            figure=demand_supply_figure(demand),
            table=demand,
            columns=DEMAND_COLUMNS,
            description="Application teams that need each capability, platform and infrastructure teams that provide it, "
            "and needs that none of a team's providers meets.",
        )
    )
    delivery = delivery_modes(matrix, words.capabilities)
    page.blocks.append(
        ChartBlock(
            key="delivery",
            title="How teams get capabilities",
            figure=delivery_figure(delivery),
            table=delivery[delivery["answers"] > 0],
            columns=DELIVERY_COLUMNS,
            description="From tickets to self-service and automatic delivery, as application teams describe it.",
        )
    )
    waits = wait_times(matrix, words.capabilities)
    page.blocks.append(
        ChartBlock(
            key="waits",
            title="How long teams wait",
            figure=wait_figure(waits),
            table=waits[waits["answers"] > 0],
            columns=WAIT_COLUMNS,
            description="The time application teams usually wait for a capability once they ask for it.",
        )
    )
    unmet = unmet_table(unmet_rows, scope.teams, words.capabilities)
    page.blocks.append(
        ChartBlock(
            key="unmet",
            title="Unmet needs",
            figure=None,
            table=unmet,
            columns=UNMET_COLUMNS,
            description="Capabilities an application team needs but cannot get from the platforms it uses.",
        )
    )
    # Texts with admins' decisions on their tags, and where each came from (an imported issue names itself).
    written, tags = free_text_review(scope, wave_id=wave)
    texts = free_text_by_capability(
        written.rename(columns={"text": "value"}), scope.teams, words.capabilities, capability_decisions(written, tags)
    )
    page.blocks.append(
        ChartBlock(
            key="pains",
            title="Pains and suggestions by capability",
            figure=None,
            table=texts,
            columns=FREE_TEXT_COLUMNS,
            description="Each text appears once under each capability its words are tagged with (or an admin tagged "
            'it with on the review page), or under "Not tagged"; answers imported from issues name the issue.',
        )
    )
    page.free_text = [(str(name), group.to_dict("records")) for name, group in texts.groupby("name", sort=False)]
    return page
