"""Gaps: to each team's target, and between a platform team's view of itself and its consumers' view."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from assessor.scoring.claims import team_claims
from assessor.scoring.perception import perception_gaps
from reports.frames.common import aspect_order, empty, with_team_names

TARGET_GAP_COLUMNS = [
    "team_id",
    "team",
    "kind",
    "group",
    "aspect",
    "score",
    "level",
    "target_level",
    "gap",
    "confidence_label",
    "respondents",
]
PERCEPTION_TABLE_COLUMNS = [
    "provider_id",
    "team",
    "kind",
    "aspect",
    "provider_score",
    "provider_respondents",
    "consumer_score",
    "consumer_respondents",
    "consumer_teams",
    "gap",
    "expected_consumer_score",
    "expectation_gap",
]
LINK_COLUMNS = ["consumer_id", "provider_id"]


def target_gaps(scores: pd.DataFrame, teams: pd.DataFrame, aspects: Sequence[str]) -> pd.DataFrame:
    """Team and aspect pairs below their target, widest gap first (then higher confidence, then name)."""
    rows = scores[pd.to_numeric(scores["gap"], errors="coerce") > 0]
    if rows.empty:
        return empty(TARGET_GAP_COLUMNS)
    named = with_team_names(rows, teams)
    confidence_rank = named["confidence_label"].map({"high": 0, "medium": 1, "low": 2}).fillna(3)
    named = named.assign(
        _confidence=confidence_rank, _name=named["team"].str.casefold(), _aspect=aspect_order(named, aspects)
    ).sort_values(["gap", "_confidence", "_name", "_aspect"], ascending=[False, True, True, True])
    named[["level", "target_level", "gap", "respondents"]] = named[["level", "target_level", "gap", "respondents"]].astype(int)
    return named[TARGET_GAP_COLUMNS].reset_index(drop=True)


def perception_frame(scores: pd.DataFrame, answers: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Perception gaps from stored team scores (the self view) and providers' guesses of their consumers' view."""
    claims = scores[["wave_id", "team_id", "aspect", "score", "respondents"]]
    consumer_view = team_claims(answers, perspective="consumers") if not answers.empty else claims.iloc[0:0]
    return perception_gaps(claims, consumer_view, links[LINK_COLUMNS])


def perception_table(perception: pd.DataFrame, teams: pd.DataFrame, aspects: Sequence[str]) -> pd.DataFrame:
    """Providers the reader may see with both views present; the widest gap (either way) first."""
    rows = perception.dropna(subset=["provider_score", "consumer_score"])
    if rows.empty:
        return empty(PERCEPTION_TABLE_COLUMNS)
    named = with_team_names(rows, teams, on="provider_id")
    named = named.assign(_size=named["gap"].abs(), _name=named["team"].str.casefold(), _aspect=aspect_order(named, aspects))
    named = named.sort_values(["_size", "_name", "_aspect"], ascending=[False, True, True])
    return named[PERCEPTION_TABLE_COLUMNS].reset_index(drop=True)
