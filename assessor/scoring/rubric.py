"""The rubric: the versioned rules that turn answers and evidence into scores, read from a data file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid, check_data, file_version, problem, read_data_file

RUBRIC_DIR = Path(__file__).resolve().parent.parent / "data" / "rubrics"
SCHEMA_FILE = RUBRIC_DIR / "rubric.schema.json"


class RubricError(DataFileInvalid):
    """A rubric file is malformed or missing; the message names the file and the place."""


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


def _rubric(data: dict[str, Any], source: str | Path) -> Rubric:
    """The rubric of a document that satisfies rubric.schema.json, once its numbers agree with each other."""
    confidence = data["confidence"]
    weights = confidence["weights"]
    rubric = Rubric(
        version=data["version"],
        disagreement_levels=data["disagreement"]["levels_apart"],
        unverified_above_measurement=data["unverified"]["above_measurement"],
        weight_respondents=float(weights["respondents"]),
        weight_agreement=float(weights["agreement"]),
        weight_evidence=float(weights["evidence"]),
        weight_freshness=float(weights["freshness"]),
        full_respondents=confidence["full_respondents"],
        spread_for_zero=float(confidence["spread_for_zero"]),
        fresh_days=confidence["fresh_days"],
        stale_days=confidence["stale_days"],
        high_confidence=float(confidence["labels"]["high"]),
        medium_confidence=float(confidence["labels"]["medium"]),
    )
    problems = []
    total = rubric.weight_respondents + rubric.weight_agreement + rubric.weight_evidence + rubric.weight_freshness
    if abs(total - 1.0) > 1e-6:
        problems.append(problem(("confidence", "weights"), f"the weights must add up to 1, not {total:g}"))
    if rubric.stale_days <= rubric.fresh_days:
        problems.append(
            problem(("confidence", "stale_days"), f"{rubric.stale_days} must be above fresh_days ({rubric.fresh_days})")
        )
    if rubric.medium_confidence >= rubric.high_confidence:
        problems.append(problem(("confidence", "labels", "medium"), f"{rubric.medium_confidence:g} must be below high"))
    if isinstance(source, Path) and source.stem != f"rubric-{rubric.version}":
        problems.append(problem(("version",), f"{rubric.version!r} does not match the file name (rubric-VERSION.yaml)"))
    if problems:
        raise RubricError(*problems, source=source)
    return rubric


def parse_rubric(data: Any, *, source: str | Path = "rubric") -> Rubric:
    """Check a parsed rubric document against rubric.schema.json and the rules between its numbers."""
    return _rubric(check_data(data, SCHEMA_FILE, source=source, error=RubricError), source)


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
    return _read(*file_version(path))


def read_rubric_file(path: Path) -> Rubric:
    """Read and check a rubric file (named rubric-VERSION.yaml); every problem is a RubricError naming the file."""
    return _rubric(read_data_file(path, SCHEMA_FILE, error=RubricError), path)


@cache
def _read(path: Path, *version: int) -> Rubric:
    """Each bundled rubric file is read and checked once (again only when it changes)."""
    return read_rubric_file(path)
