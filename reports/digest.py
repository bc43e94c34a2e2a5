"""What a digest says, from frames: pure, so the same content feeds the email, its preview and its tests.

The organization's frames are read once (`DigestData`); each recipient's digest is then cut down to the
teams they may see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reports.frames.gaps import perception_table, target_gaps
from reports.frames.heatmap import heatmap_frame, heatmap_rows, response_rates
from reports.frames.trends import biggest_changes, first_results
from reports.periods import Period


@dataclass(frozen=True)
class DigestData:
    """One organization's frames for one period."""

    waves: pd.DataFrame  # WAVE_COLUMNS
    wave: dict[str, Any] | None  # the newest wave with scores
    scores: pd.DataFrame  # that wave's scores
    history: pd.DataFrame  # HISTORY_COLUMNS, every snapshot under the current rubric
    participation: pd.DataFrame  # PARTICIPATION_COLUMNS for the waves active in the period
    perception: pd.DataFrame  # perception_gaps of that wave
    # that wave's practices, pooled over application teams as on the practices page
    practices: pd.DataFrame = field(default_factory=pd.DataFrame)  # adoption counts (practice, name, teams, share, ...)
    practice_highlights: tuple[str, ...] = ()  # the largest differences with enough teams, in words
    practice_comparisons: int = 0  # comparisons with enough teams on each side
    practice_teams_compared: int = 0  # application teams with an outcome to compare


@dataclass
class DigestContent:
    period: Period
    org_wide: bool
    wave: dict[str, Any] | None
    heat_rows: list[dict[str, Any]] = field(default_factory=list)
    more_teams: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    new_teams: int = 0
    target_gaps: list[dict[str, Any]] = field(default_factory=list)
    perception_gaps: list[dict[str, Any]] = field(default_factory=list)
    rates: list[dict[str, Any]] = field(default_factory=list)
    practices: list[dict[str, Any]] = field(default_factory=list)
    practice_highlights: list[str] = field(default_factory=list)
    practice_comparisons: int = 0
    practice_teams_compared: int = 0


def _records(frame: pd.DataFrame, names: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = frame.to_dict("records")
    for row in rows:
        row["aspect_name"] = names.get(row.get("aspect", ""), row.get("aspect", ""))
    return rows


def digest_content(
    data: DigestData,
    teams: pd.DataFrame,
    *,
    org_wide: bool,
    period: Period,
    aspects: Mapping[str, str],
    max_rows: int = 25,
) -> DigestContent:
    """The digest for a reader who may see `teams` (TEAM_COLUMNS)."""
    content = DigestContent(period=period, org_wide=org_wide, wave=data.wave)
    aspect_keys: Sequence[str] = list(aspects)
    if data.wave is not None:
        heat = heatmap_frame(data.scores, teams, aspect_keys)
        answered = heat.dropna(subset=["level"])
        rows = heatmap_rows(answered)
        content.heat_rows = rows[:max_rows]
        content.more_teams = max(0, len(rows) - max_rows)
        gaps = target_gaps(data.scores, teams, aspect_keys).head(max_rows)
        content.target_gaps = _records(gaps, aspects)
        perception = perception_table(data.perception, teams, aspect_keys).head(max(3, max_rows // 5))
        content.perception_gaps = _records(perception, aspects)
        content.practices = data.practices.to_dict("records")
        content.practice_highlights = list(data.practice_highlights)
        content.practice_comparisons = data.practice_comparisons
        content.practice_teams_compared = data.practice_teams_compared
    visible_history = data.history[data.history["team_id"].isin(teams["team_id"])]
    changes = biggest_changes(visible_history, data.waves, teams, since=period.start, now=period.end, limit=max_rows)
    content.changes = _records(changes, aspects)
    content.new_teams = len(first_results(visible_history, data.waves, since=period.start, now=period.end))
    participation = data.participation[data.participation["team_id"].isin(teams["team_id"])]
    active = data.waves[(data.waves["closes_at"] >= period.start) & (data.waves["opens_at"] <= period.end)]
    content.rates = response_rates(participation, active).to_dict("records")
    return content
