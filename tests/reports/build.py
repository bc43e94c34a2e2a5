"""Small frame builders for the pure report tests, so each test states only what matters to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd

from reports.frames import TEAM_COLUMNS, WAVE_COLUMNS
from reports.selectors import SCORE_FIELDS

ASPECTS = ["investment", "adoption", "interfaces", "operations", "measurement"]
NAMES = {aspect: aspect.title() for aspect in ASPECTS}
LEVEL_NAMES = {1: "Provisional", 2: "Operational", 3: "Scalable", 4: "Optimizing"}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def teams(*specs: tuple[int, str, str, int | None]) -> pd.DataFrame:
    """(team_id, name, kind, group_id) rows."""
    rows = [
        {"team_id": t, "team": name, "slug": name.lower(), "kind": kind, "group_id": g, "group": f"G{g}" if g else ""}
        for t, name, kind, g in specs
    ]
    frame = pd.DataFrame(rows, columns=TEAM_COLUMNS)
    frame["group_id"] = frame["group_id"].astype("Int64")
    return frame


def score(team_id: int, aspect: str, value: float, *, wave_id: int = 1, **extra: object) -> dict:
    from assessor.scoring.claims import band

    row = {
        "wave_id": wave_id,
        "team_id": team_id,
        "aspect": aspect,
        "rubric_version": "1",
        "computed_at": T0,
        "score": value,
        "level": band(value),
        "respondents": 2,
        "spread": 0.5,
        "disagreement": False,
        "evidence_floor": None,
        "evidence_ceiling": None,
        "evidence_items": 0,
        "evidence_observed_at": None,
        "status": "no_evidence",
        "confidence": 0.6,
        "confidence_label": "medium",
        "target_level": None,
        "gap": None,
        "unverified": False,
    }
    row.update(extra)
    return row


def scores(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=SCORE_FIELDS)


def waves(*specs: tuple[int, str, int]) -> pd.DataFrame:
    """(wave_id, name, days after T0 it opened); each stays open 30 days."""
    rows = [
        {"wave_id": w, "wave": name, "opens_at": T0 + timedelta(days=d), "closes_at": T0 + timedelta(days=d + 30)}
        for w, name, d in specs
    ]
    return pd.DataFrame(rows, columns=WAVE_COLUMNS)
