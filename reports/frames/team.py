"""One team: current, target and evidenced level per aspect, and the evidence items behind them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from assessor.scoring.evidence import CONFLICT
from reports.frames.common import empty

PROFILE_COLUMNS = [
    "aspect",
    "score",
    "level",
    "target_level",
    "gap",
    "evidenced_level",
    "evidence_floor",
    "evidence_ceiling",
    "evidence_items",
    "status",
    "respondents",
    "spread",
    "disagreement",
    "confidence",
    "confidence_label",
    "unverified",
]
EVIDENCE_ITEM_COLUMNS = [
    "aspect",
    "level",
    "direction",
    "weight",
    "rule_key",
    "explanation",
    "observed_at",
    "signal_ids",
    "waived",
    "waiver_reason",
]


def _with_waiver_columns(evidence: pd.DataFrame) -> pd.DataFrame:
    """Evidence read before waivers existed (or built by hand) counts as not waived."""
    missing = {"waived": False, "waiver_reason": ""}
    return evidence.assign(**{column: value for column, value in missing.items() if column not in evidence.columns})


def team_profile(scores: pd.DataFrame, aspects: Sequence[str]) -> pd.DataFrame:
    """One row per aspect for one team in one wave; aspects without answers keep empty values.

    evidenced_level is the evidence floor (the highest level the collected evidence supports), except where the
    evidence conflicts (it supports a level above one it argues against): there no single level is evidenced.
    """
    base = pd.DataFrame({"aspect": list(aspects)})
    if scores.empty:
        profile = base.reindex(columns=PROFILE_COLUMNS)
        profile["aspect"] = list(aspects)
        return profile
    rows = scores.drop_duplicates("aspect", keep="last")
    profile = base.merge(rows, on="aspect", how="left")
    numeric = ["score", "level", "target_level", "gap", "evidence_floor", "evidence_ceiling", "evidence_items", "respondents"]
    profile[numeric] = profile[numeric].apply(pd.to_numeric, errors="coerce")
    profile["evidenced_level"] = profile["evidence_floor"].where(profile["status"] != CONFLICT)
    return profile[PROFILE_COLUMNS]


def profile_cards(profile: pd.DataFrame) -> list[dict[str, Any]]:
    """The profile as plain dicts, with missing numbers as None, for templates."""
    cards: list[dict[str, Any]] = []
    for record in profile.to_dict("records"):
        cards.append({str(key): (None if _missing(value) else value) for key, value in record.items()})
    for card in cards:
        for key in (
            "level",
            "target_level",
            "gap",
            "evidenced_level",
            "evidence_floor",
            "evidence_ceiling",
            "evidence_items",
            "respondents",
        ):
            if card[key] is not None:
                card[key] = int(card[key])
    return cards


def evidence_reading(*, floor: int | None, ceiling: int | None, items: int | None, status: str | None) -> str:
    """What the evidence allows for one aspect, in the words of the glossary: "2", "2, at most 3", "at most 2",
    "conflicts" or "none yet". The same numbers as the API's evidence_floor and evidence_ceiling."""
    if not items:
        return "none yet"
    if status == CONFLICT:
        return "conflicts"
    top = ceiling if ceiling is not None else 4
    if floor is None:
        return f"at most {top}" if top < 4 else "no level yet"
    return f"{floor}, at most {top}" if top < 4 and top != floor else str(floor)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def evidence_by_aspect(evidence: pd.DataFrame, aspects: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Evidence items per aspect, strongest level first, each with its signal ids."""
    result: dict[str, list[dict[str, Any]]] = {aspect: [] for aspect in aspects}
    if evidence.empty:
        return result
    rows = _with_waiver_columns(evidence).sort_values(["aspect", "level", "observed_at"], ascending=[True, False, False])
    for record in rows[EVIDENCE_ITEM_COLUMNS].to_dict("records"):
        record["waived"] = bool(record["waived"])
        signal_ids = record["signal_ids"]
        record["signal_ids"] = [int(value) for value in signal_ids] if isinstance(signal_ids, list | tuple) else []
        result.setdefault(record["aspect"], []).append(record)
    return result


def evidence_table(evidence: pd.DataFrame) -> pd.DataFrame:
    """Evidence items as a flat table (for CSV): signal ids joined with spaces."""
    if evidence.empty:
        return empty(EVIDENCE_ITEM_COLUMNS)
    table = _with_waiver_columns(evidence)[EVIDENCE_ITEM_COLUMNS].copy()
    table["signal_ids"] = [" ".join(str(v) for v in ids) if isinstance(ids, list | tuple) else "" for ids in table["signal_ids"]]
    return table.sort_values(["aspect", "level"]).reset_index(drop=True)
