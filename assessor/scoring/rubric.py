"""The rubric: the versioned rules that turn answers and evidence into scores, read from a data file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.yamlsafe import load_yaml

RUBRIC_DIR = Path(__file__).resolve().parent.parent / "data" / "rubrics"


class RubricError(ValueError):
    pass


@dataclass(frozen=True)
class Rubric:
    version: str
    disagreement_levels: int
    unverified_above_measurement: int
    weight_respondents: float
    weight_agreement: float
    weight_evidence: float
    weight_freshness: float
    full_respondents: int
    spread_for_zero: float
    fresh_days: int
    stale_days: int
    high_confidence: float
    medium_confidence: float


def parse_rubric(data: Any) -> Rubric:
    try:
        confidence = data["confidence"]
        weights = confidence["weights"]
        rubric = Rubric(
            version=str(data["version"]),
            disagreement_levels=int(data["disagreement"]["levels_apart"]),
            unverified_above_measurement=int(data["unverified"]["above_measurement"]),
            weight_respondents=float(weights["respondents"]),
            weight_agreement=float(weights["agreement"]),
            weight_evidence=float(weights["evidence"]),
            weight_freshness=float(weights["freshness"]),
            full_respondents=int(confidence["full_respondents"]),
            spread_for_zero=float(confidence["spread_for_zero"]),
            fresh_days=int(confidence["fresh_days"]),
            stale_days=int(confidence["stale_days"]),
            high_confidence=float(confidence["labels"]["high"]),
            medium_confidence=float(confidence["labels"]["medium"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RubricError(f"The rubric file is incomplete or malformed: {exc!r}.") from exc
    total = rubric.weight_respondents + rubric.weight_agreement + rubric.weight_evidence + rubric.weight_freshness
    if abs(total - 1.0) > 1e-6:
        raise RubricError(f"Confidence weights must add up to 1, not {total:g}.")
    if rubric.stale_days <= rubric.fresh_days or rubric.full_respondents < 1 or rubric.spread_for_zero <= 0:
        raise RubricError("Confidence thresholds are inconsistent.")
    return rubric


def available_versions() -> list[str]:
    return sorted(path.stem.removeprefix("rubric-") for path in RUBRIC_DIR.glob("rubric-*.yaml"))


def load_rubric(version: str | None = None) -> Rubric:
    """The rubric with this version, or the newest bundled one."""
    versions = available_versions()
    if not versions:
        raise RubricError(f"No rubric files in {RUBRIC_DIR}.")
    wanted = version or max(versions, key=lambda v: (len(v), v))
    path = RUBRIC_DIR / f"rubric-{wanted}.yaml"
    if not path.exists():
        raise RubricError(f"No rubric version {wanted!r}; available: {', '.join(versions)}.")
    return parse_rubric(load_yaml(path.read_bytes()))
