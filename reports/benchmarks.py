"""Published level distributions (State of Platform Engineering) read from a versioned data file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assessor.scoring.frames import ASPECTS
from assessor.yamlsafe import load_yaml

SUM_TOLERANCE = 1.0  # published percentages are rounded, so a row may add up to 99.6 or 100.1


class BenchmarkFileError(ValueError):
    """The benchmark file is malformed; the message names the place."""


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

    @property
    def label(self) -> str:
        """How charts name it: the source, volume and year."""
        return f"{self.source} Vol. {self.volume} ({self.year})"

    def mean_level(self, aspect: str) -> float:
        """The distribution's average level (1-4), to set beside a team score."""
        shares = self.levels[aspect]
        return round(sum(level * share for level, share in enumerate(shares, start=1)) / sum(shares), 2)


def _edition(raw: Any, where: str) -> Benchmark:
    if not isinstance(raw, dict):
        raise BenchmarkFileError(f"{where}: expected a mapping.")
    try:
        levels_raw = raw["levels"]
        levels: dict[str, tuple[float, float, float, float]] = {}
        for aspect in ASPECTS:
            values = [float(value) for value in levels_raw[aspect]]
            if len(values) != 4 or any(value < 0 for value in values):
                raise BenchmarkFileError(f"{where}.levels.{aspect}: four non-negative percentages are needed.")
            if abs(sum(values) - 100) > SUM_TOLERANCE:
                raise BenchmarkFileError(f"{where}.levels.{aspect}: the percentages add up to {sum(values):g}, not 100.")
            levels[aspect] = (values[0], values[1], values[2], values[3])
        return Benchmark(
            key=str(raw["key"]),
            source=str(raw["source"]),
            publisher=str(raw.get("publisher") or ""),
            volume=int(raw["volume"]),
            year=int(raw["year"]),
            respondents=int(raw["respondents"]),
            url=str(raw.get("url") or ""),
            note=str(raw.get("note") or ""),
            levels=levels,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BenchmarkFileError):
            raise
        raise BenchmarkFileError(f"{where}: missing or malformed field ({exc!r}).") from exc


def parse_benchmarks(data: Any) -> tuple[Benchmark, ...]:
    """Editions, newest first."""
    if not isinstance(data, dict) or not isinstance(data.get("editions"), list) or not data["editions"]:
        raise BenchmarkFileError("The benchmark file needs a non-empty 'editions' list.")
    editions = [_edition(raw, f"editions[{index}]") for index, raw in enumerate(data["editions"])]
    keys = [edition.key for edition in editions]
    if len(set(keys)) != len(keys):
        raise BenchmarkFileError("Edition keys must be unique.")
    return tuple(sorted(editions, key=lambda edition: (edition.year, edition.volume), reverse=True))


@cache
def _load(path: Path, mtime: float) -> tuple[Benchmark, ...]:
    return parse_benchmarks(load_yaml(path.read_bytes()))


def load_benchmarks(path: Path) -> tuple[Benchmark, ...]:
    return _load(path, path.stat().st_mtime)
