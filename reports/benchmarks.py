"""Published level distributions read from a versioned data file: the bundled State of Platform Engineering
figures, or a community's benchmark file (its editions say how many organizations and which period)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid, check_data, duplicates, problem, read_data_file
from assessor.scoring.frames import ASPECTS

SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "benchmarks" / "benchmarks.schema.json"
SUM_TOLERANCE = 1.0  # published percentages are rounded, so a row may add up to 99.6 or 100.1


class BenchmarkFileError(DataFileInvalid):
    """The benchmark file is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class Benchmark:
    key: str
    source: str
    publisher: str
    volume: int
    year: int
    respondents: int
    url: str
    note: str
    levels: dict[str, tuple[float, float, float, float]]
    organizations: int | None = None
    period: str = ""

    @property
    def label(self) -> str:
        """How charts name it: the source, volume and year; a community's edition by its organizations and period."""
        if self.organizations is not None:
            return f"Community ({self.organizations} organizations, {self.period or self.year})"
        return f"{self.source} Vol. {self.volume} ({self.year})"

    def mean_level(self, aspect: str) -> float:
        """The distribution's average level (1-4), to set beside a team score."""
        shares = self.levels[aspect]
        return round(sum(level * share for level, share in enumerate(shares, start=1)) / sum(shares), 2)


def _edition(raw: dict[str, Any], index: int, problems: list[str]) -> Benchmark:
    """An edition that satisfies the schema; what the schema cannot check is added to `problems`."""
    where = ("editions", index, "levels")
    levels: dict[str, tuple[float, float, float, float]] = {}
    for aspect in [a for a in raw["levels"] if a not in ASPECTS]:
        problems.append(problem((*where, aspect), f"{aspect!r} is not an aspect of the maturity model ({', '.join(ASPECTS)})"))
    for aspect in ASPECTS:
        if aspect not in raw["levels"]:
            problems.append(problem(where, f"{aspect!r} is missing; every aspect of the maturity model needs four percentages"))
            continue
        values = [float(value) for value in raw["levels"][aspect]]
        if abs(sum(values) - 100) > SUM_TOLERANCE:
            problems.append(problem((*where, aspect), f"the percentages add up to {sum(values):g}, not 100"))
        levels[aspect] = (values[0], values[1], values[2], values[3])
    return Benchmark(
        key=raw["key"],
        source=raw["source"].strip(),
        publisher=raw.get("publisher") or "",
        volume=raw["volume"],
        year=raw["year"],
        respondents=raw["respondents"],
        url=raw.get("url") or "",
        note=raw.get("note") or "",
        levels=levels,
        organizations=raw.get("organizations"),
        period=raw.get("period") or "",
    )


def _editions(data: dict[str, Any], source: str | Path) -> tuple[Benchmark, ...]:
    problems: list[str] = []
    editions = [_edition(raw, index, problems) for index, raw in enumerate(data["editions"])]
    repeated = duplicates([edition.key for edition in editions])
    if repeated:
        problems.append(problem(("editions",), f"edition keys must be unique; repeated: {', '.join(repeated)}"))
    if problems:
        raise BenchmarkFileError(*problems, source=source)
    return tuple(sorted(editions, key=lambda edition: (edition.year, edition.volume), reverse=True))


def parse_benchmarks(data: Any, *, source: str | Path = "benchmarks") -> tuple[Benchmark, ...]:
    """Editions, newest first, from a document checked against benchmarks.schema.json."""
    return _editions(check_data(data, SCHEMA_FILE, source=source, error=BenchmarkFileError), source)


@cache
def _load(path: Path, mtime: float) -> tuple[Benchmark, ...]:
    return _editions(read_data_file(path, SCHEMA_FILE, error=BenchmarkFileError), path)


def load_benchmarks(path: Path) -> tuple[Benchmark, ...]:
    return _load(path, path.stat().st_mtime)
