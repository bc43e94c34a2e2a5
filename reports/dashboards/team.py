"""One team's page: current, target and evidenced levels on a radar, a card per aspect, and its history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from assessor.models import Team
from assessor.scoring.agreement import agreement
from assessor.scoring.evidence import CONFLICT
from assessor.scoring.rubric import load_rubric
from assessor.scoring.targets import next_steps
from assessor.selectors import model_cells
from reports.charts.maturity import radar_figure, trend_figure
from reports.dashboards import ChartBlock, PageNotFound
from reports.frames.team import evidence_by_aspect, evidence_reading, evidence_table, profile_cards, team_profile
from reports.frames.trends import annotations_for, combine_annotations, numbered, rubric_annotations, trend_frame
from reports.selectors import Scope, annotations_frame, latest_scores, rubric_firsts, team_evidence, waves_frame
from reports.tables import Column
from reports.vocabulary import vocabulary


@dataclass
class TeamPage:
    team: Team
    waves: pd.DataFrame
    wave: dict[str, Any] | None
    answered_waves: pd.DataFrame
    cards: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[ChartBlock] = field(default_factory=list)
    evidence_items: int = 0
    annotations: list[dict[str, Any]] = field(default_factory=list)


PROFILE_COLUMNS = (
    Column("aspect_name", "Aspect"),
    Column("level", "Current level", "level"),
    Column("score", "Score", "score"),
    Column("target_level", "Target", "level"),
    Column("evidenced_level", "Evidenced", "level"),
    Column("status_label", "Evidence status"),
    Column("respondents", "Respondents", "int"),
    Column("confidence_label", "Confidence"),
)
HISTORY_TABLE = (
    Column("wave", "Wave"),
    Column("opens_at", "Opens", "date"),
    Column("aspect_name", "Aspect"),
    Column("score", "Score", "score"),
    Column("level", "Level", "level"),
    Column("respondents", "Respondents", "int"),
)
EVIDENCE_COLUMNS = (
    Column("aspect_name", "Aspect"),
    Column("finding", "Finding"),
    Column("explanation", "What was seen"),
    Column("observed_at", "Observed", "date"),
    Column("rule_key", "Rule"),
    Column("signal_ids", "Signals"),
    Column("waived", "Waived", "bool"),
    Column("waiver_reason", "Why waived"),
)
DIRECTION_WORDS = {"supports": "Supports", "contradicts": "Argues against"}
STATUS_LABELS = {
    "agree": "Evidence agrees",
    "over_claim": "Claims more than the evidence shows",
    "under_claim": "Evidence shows more than claimed",
    "conflict": "Evidence conflicts",
    "no_evidence": "No evidence yet",
}


def finding(direction: str, level: Any) -> str:
    """What an evidence item says, in the words of the aspect cards: "Supports level 3"."""
    verb = DIRECTION_WORDS.get(direction, direction.replace("_", " ").capitalize())
    return f"{verb} level {int(level)}" if pd.notna(level) else verb


def conflict_sides(card: dict[str, Any]) -> dict[str, Any]:
    """Both sides of conflicting evidence: the support that reaches the floor, and the contradiction that sets
    the ceiling below it."""
    floor, ceiling = card["evidence_floor"], card["evidence_ceiling"]
    counted = [item for item in card["evidence"] if not item.get("waived")]
    return {
        "supported_level": floor,
        "contradicted_level": ceiling + 1,
        "supports": [item for item in counted if item["direction"] == "supports" and item["level"] > ceiling],
        "contradicts": [item for item in counted if item["direction"] == "contradicts" and item["level"] <= floor],
    }


def _worded(table: pd.DataFrame, aspect_names: dict[str, str]) -> pd.DataFrame:
    return table.assign(
        aspect_name=table["aspect"].map(lambda key: aspect_names.get(key, key)),
        finding=[finding(direction, level) for direction, level in zip(table["direction"], table["level"], strict=True)],
    )


def team_data(scope: Scope, team: Team, *, wave_id: int | None, now: datetime, rubric_version: str | None = None) -> TeamPage:
    rubric = load_rubric(rubric_version)
    words = vocabulary()
    aspects = list(words.aspects)
    waves = waves_frame(scope.organization)
    scores = (
        latest_scores(scope, wave_ids=[int(w) for w in waves["wave_id"]], team_ids=[team.pk], rubric_version=rubric.version)
        if not waves.empty
        else None
    )
    answered_ids = set() if scores is None or scores.empty else set(scores["wave_id"])
    answered = waves[waves["wave_id"].isin(answered_ids)]
    if wave_id is not None and wave_id not in set(waves["wave_id"]):
        raise PageNotFound(f"No wave {wave_id} in this organization.")
    chosen = waves[waves["wave_id"] == wave_id] if wave_id is not None else answered
    page = TeamPage(team=team, waves=waves, wave=chosen.iloc[0].to_dict() if not chosen.empty else None, answered_waves=answered)
    evidence = team_evidence(scope, team.pk)
    page.evidence_items = len(evidence)
    if page.wave is None or scores is None:
        return page
    wave_scores = scores[scores["wave_id"] == page.wave["wave_id"]]
    profile = team_profile(wave_scores, aspects)
    profile["aspect_name"] = profile["aspect"].map(words.aspects)
    profile["status_label"] = profile["status"].map(
        lambda status: STATUS_LABELS.get(status, "") if isinstance(status, str) else ""
    )
    cells = model_cells()
    items = evidence_by_aspect(evidence, aspects)
    for card in profile_cards(profile):
        card["name"] = words.aspects[card["aspect"]]
        card["level_name"] = words.levels.get(card["level"] or 0, "")
        card["target_name"] = words.levels.get(card["target_level"] or 0, "")
        card["next_step"] = next_steps(card["aspect"], card["level"], cells)
        evidence_items = items.get(card["aspect"], [])
        card["evidence"] = [{**item, "finding": finding(item["direction"], item["level"])} for item in evidence_items]
        card["evidence_reading"] = evidence_reading(
            floor=card["evidence_floor"], ceiling=card["evidence_ceiling"], items=card["evidence_items"], status=card["status"]
        )
        card["conflict"] = conflict_sides(card) if card["status"] == CONFLICT else None
        card["agreement"] = agreement(
            respondents=int(card["respondents"] or 0), spread=card["spread"], disagreement=bool(card["disagreement"])
        )
        page.cards.append(card)
    page.blocks.append(
        ChartBlock(
            key="radar",
            title="Current, target and evidenced level",
            figure=radar_figure(profile, words.aspects, words.levels),
            table=profile,
            columns=PROFILE_COLUMNS,
            description=(
                "Evidenced is the highest level the collected evidence supports; an empty point means no evidence yet, "
                "or evidence that conflicts."
            ),
        )
    )
    history = trend_frame(scores, waves, scope.teams, aspects, scope="team", key=team.pk, banding=rubric.banding)
    history["aspect_name"] = history["aspect"].map(words.aspects)
    events = combine_annotations(
        annotations_for(annotations_frame(scope.organization), scope="team", key=team.pk, group_id=team.group_id),
        rubric_annotations(rubric_firsts(scope.organization)),
    )
    page.annotations = numbered(events)
    page.blocks.append(
        ChartBlock(
            key="history",
            title="History across waves",
            figure=trend_figure(history, words.aspects, words.levels, annotations=events) if len(answered) > 1 else None,
            table=history,
            columns=HISTORY_TABLE,
            extra={"annotations": page.annotations},
            description="The team's score on each aspect in every wave it answered.",
        )
    )
    page.blocks.append(
        ChartBlock(
            key="evidence",
            title="Evidence items",
            figure=None,
            table=_worded(evidence_table(evidence), words.aspects),
            columns=EVIDENCE_COLUMNS,
            description="Everything the collectors found for this team, with the signals behind each item.",
        )
    )
    return page
