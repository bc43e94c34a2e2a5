"""The organization heat map (teams by aspect, with marks) and response rates per wave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assessor.scoring.evidence import CONFLICT, OVER_CLAIM, UNDER_CLAIM
from reports.frames.common import aspect_order, empty

KIND_ORDER = ("platform", "infrastructure", "application")


@dataclass(frozen=True)
class Mark:
    column: str
    symbol: str
    meaning: str
    label: str  # a few words, read out in place of the symbol


MARKS = (
    Mark("disagreement", "!", "the team's respondents disagree with each other", "respondents disagree"),
    Mark("over_claim", "▲", "the claim is above what the evidence shows", "claims more than the evidence shows"),
    Mark("under_claim", "▼", "the evidence shows more than the claim", "evidence shows more than claimed"),
    Mark(
        "conflict", "≠", "the evidence disagrees with itself (supports a level above one it argues against)", "evidence conflicts"
    ),
    Mark("low_confidence", "?", "low confidence (few respondents, wide spread, or little or old evidence)", "low confidence"),
    Mark("unverified", "*", "claimed well above the team's own Measurement level", "above its own Measurement level"),
)

HEATMAP_COLUMNS = [
    "team_id",
    "team",
    "slug",
    "kind",
    "group",
    "aspect",
    "score",
    "level",
    "respondents",
    "spread",
    "status",
    "confidence",
    "confidence_label",
    "target_level",
    "gap",
    *[mark.column for mark in MARKS],
    "marks",
]
SCORE_VALUES = [
    "team_id",
    "aspect",
    "score",
    "level",
    "respondents",
    "spread",
    "status",
    "confidence",
    "confidence_label",
    "target_level",
    "gap",
    "disagreement",
    "unverified",
]
RATE_COLUMNS = [
    "wave_id",
    "wave",
    "opens_at",
    "closes_at",
    "invited_teams",
    "answered_teams",
    "team_rate",
    "invitations",
    "submitted",
    "drafts",
    "response_rate",
]


def _marks(frame: pd.DataFrame) -> pd.Series:
    symbols = [np.where(frame[mark.column], mark.symbol, "") for mark in MARKS]
    joined = symbols[0]
    for more in symbols[1:]:
        joined = np.char.add(joined.astype(str), more.astype(str))
    return pd.Series(joined, index=frame.index, dtype="object")


def heatmap_frame(scores: pd.DataFrame, teams: pd.DataFrame, aspects: Sequence[str]) -> pd.DataFrame:
    """One row per team and aspect (teams without answers keep empty cells); providers first, then by name.

    `scores` holds one wave. Marks: disagreement, over-claim, under-claim, conflicting evidence, low confidence
    and unverified.
    """
    if teams.empty:
        return empty(HEATMAP_COLUMNS)
    grid = teams[["team_id", "team", "slug", "kind", "group"]].merge(pd.DataFrame({"aspect": list(aspects)}), how="cross")
    values = scores[SCORE_VALUES].drop_duplicates(["team_id", "aspect"])
    cells = grid.merge(values.astype({"team_id": "int64"}) if not values.empty else values, on=["team_id", "aspect"], how="left")
    numeric = ["score", "level", "respondents", "spread", "confidence", "target_level", "gap"]
    cells[numeric] = cells[numeric].apply(pd.to_numeric, errors="coerce")
    cells["disagreement"] = cells["disagreement"].astype("boolean").fillna(False).astype(bool)
    cells["unverified"] = cells["unverified"].astype("boolean").fillna(False).astype(bool)
    cells["over_claim"] = cells["status"].eq(OVER_CLAIM)
    cells["under_claim"] = cells["status"].eq(UNDER_CLAIM)
    cells["conflict"] = cells["status"].eq(CONFLICT)
    cells["low_confidence"] = cells["confidence_label"].eq("low")
    cells["marks"] = _marks(cells)
    kind_rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    cells = cells.assign(
        _kind=cells["kind"].map(lambda kind: kind_rank.get(kind, len(kind_rank))),
        _name=cells["team"].str.casefold(),
        _aspect=aspect_order(cells, aspects),
    )
    cells = cells.sort_values(["_kind", "_name", "team_id", "_aspect"]).reset_index(drop=True)
    return cells[HEATMAP_COLUMNS]


def heatmap_rows(heat: pd.DataFrame) -> list[dict[str, Any]]:
    """The heat map as rows of cells, for HTML tables and emails: one dict per team, cells in aspect order."""
    rows: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for record in heat.to_dict("records"):
        if current is None or current["team_id"] != record["team_id"]:
            current = {key: record[key] for key in ("team_id", "team", "slug", "kind", "group")}
            current["cells"] = []
            rows.append(current)
        level = record["level"]
        current["cells"].append(
            {
                "aspect": record["aspect"],
                "level": None if pd.isna(level) else int(level),
                "score": None if pd.isna(record["score"]) else float(record["score"]),
                "respondents": None if pd.isna(record["respondents"]) else int(record["respondents"]),
                "confidence": record["confidence_label"] if isinstance(record["confidence_label"], str) else "",
                "marks": record["marks"],
                "mark_labels": [mark.label for mark in MARKS if record[mark.column]],
            }
        )
    for row in rows:
        row["answered"] = any(cell["level"] is not None for cell in row["cells"])
    return rows


def response_rates(participation: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """Per wave: teams invited and answering (at least one submitted response), invitations and responses.

    team_rate = invited teams that answered / invited teams; response_rate = submitted / invitations.
    Both are fractions (NaN when nothing was invited); newest wave first.
    """
    if waves.empty:
        return empty(RATE_COLUMNS)
    rows = participation.assign(
        answered=(participation["submitted"] > 0),
        answered_invited=(participation["submitted"] > 0) & participation["invited"].astype(bool),
    )
    totals = rows.groupby("wave_id").agg(
        invited_teams=("invited", "sum"),
        answered_teams=("answered", "sum"),
        answered_invited=("answered_invited", "sum"),
        invitations=("invitations", "sum"),
        submitted=("submitted", "sum"),
        drafts=("drafts", "sum"),
    )
    result = waves[["wave_id", "wave", "opens_at", "closes_at"]].merge(totals.reset_index(), on="wave_id", how="left")
    counts = ["invited_teams", "answered_teams", "answered_invited", "invitations", "submitted", "drafts"]
    result[counts] = result[counts].fillna(0).astype(int)
    invited = result["invited_teams"].replace(0, np.nan)
    result["team_rate"] = (result["answered_invited"] / invited).astype(float)
    result["response_rate"] = (result["submitted"] / result["invitations"].replace(0, np.nan)).clip(upper=1).astype(float)
    return result.sort_values(["opens_at", "wave_id"], ascending=False).reset_index(drop=True)[RATE_COLUMNS]
