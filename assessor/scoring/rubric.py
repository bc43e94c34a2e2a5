"""The rubric: the versioned rules that turn answers and evidence into scores, read from a data file."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid, check_data, file_version, problem, read_data_file

RUBRIC_DIR = Path(__file__).resolve().parent.parent / "data" / "rubrics"
SCHEMA_FILE = RUBRIC_DIR / "rubric.schema.json"


class RubricError(DataFileInvalid):
    """A rubric file is malformed or missing; the message names the file and the place."""


NEAREST = (1.5, 2.5, 3.5)  # nearest-level banding: each level from half a level below it, halves rounding up


@dataclass(frozen=True)
class Banding:
    """How a score becomes a level: `reach` holds the score from which levels 2, 3 and 4 are reached."""

    rule: str = "nearest"
    reach: tuple[float, ...] = NEAREST

    def level(self, score: float | None) -> int | None:
        """The level of a score (None for no score); scores outside 1-4 take the lowest or highest level."""
        if score is None or math.isnan(score):
            return None
        # a hair of tolerance, so 2.75 stored as 2.7499999 still reaches level 3
        return 1 + sum(1 for edge in self.reach if score + 1e-9 >= edge)

    def describe(self) -> str:
        if self.rule == "nearest":
            return "a score belongs to the nearest level, halves rounding up"
        edges = ", ".join(f"level {level} from {edge:g}" for level, edge in enumerate(self.reach, start=2))
        return f"a level is reached from a set score: {edges}"


@dataclass(frozen=True)
class Rubric:
    version: str
    description: str
    banding: Banding
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
    banding = data.get("banding", {"rule": "nearest"})
    reach = tuple(float(edge) for edge in banding.get("reach", NEAREST))
    rubric = Rubric(
        version=data["version"],
        description=data.get("description", ""),
        banding=Banding(rule=banding["rule"], reach=reach),
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
    if any(low >= high for low, high in pairwise(reach)):
        problems.append(problem(("banding", "reach"), f"the scores must rise from level to level, not {list(reach)}"))
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
