"""The delivery practices the report compares, read from a versioned data file (`data/practices/`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid, duplicates, file_version, problem, read_data_file

DATA_DIR = Path(__file__).resolve().parent / "data" / "practices"
SCHEMA_FILE = DATA_DIR / "practices.schema.json"
BUNDLED_FILE = DATA_DIR / "practices-1.yaml"


class PracticeFileError(DataFileInvalid):
    """The practices file is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class Practice:
    key: str
    name: str
    description: str
    signals: tuple[tuple[str, float], ...]  # (signal key, smallest value that counts)
    delivery: frozenset[str]  # a team's own answers to "How do you get it?"
    offered: frozenset[str]  # a provider's answers to "How do teams get it from you?"
    mentions: tuple[str, ...]
    mechanisms: frozenset[str] = frozenset()  # a team's own answers to "How does it reach you?"
    consumer_signals: frozenset[str] = frozenset()  # signal keys that count for a provider's consumers too


@dataclass(frozen=True)
class PracticeCatalog:
    version: str
    practices: tuple[Practice, ...]
    answer_share: float = 0.5  # the share of a team's answers for one capability that must name a way

    @property
    def names(self) -> dict[str, str]:
        return {practice.key: practice.name for practice in self.practices}

    @property
    def signal_keys(self) -> list[str]:
        return sorted({key for practice in self.practices for key, _ in practice.signals})


def _practice(raw: dict[str, Any]) -> Practice:
    return Practice(
        key=raw["key"],
        name=raw["name"].strip(),
        description=" ".join(raw["description"].split()),
        signals=tuple((entry["key"], float(entry["at_least"])) for entry in raw["signals"]),
        delivery=frozenset(raw.get("delivery", ())),
        offered=frozenset(raw.get("offered", ())),
        mentions=tuple(raw.get("mentions", ())),
        mechanisms=frozenset(raw.get("mechanisms", ())),
        consumer_signals=frozenset(entry["key"] for entry in raw["signals"] if entry.get("consumers")),
    )


@cache
def _read(version_key: tuple[Path, int, int, int]) -> PracticeCatalog:
    path = version_key[0]
    data = read_data_file(path, SCHEMA_FILE, error=PracticeFileError)
    keys = [entry["key"] for entry in data["practices"]]
    repeated = duplicates(keys)
    if repeated:
        raise PracticeFileError(problem(("practices",), f"keys appear twice: {', '.join(repeated)}"), source=path)
    return PracticeCatalog(
        version=data["version"],
        practices=tuple(_practice(entry) for entry in data["practices"]),
        answer_share=float(data.get("answer_share", 0.5)),
    )


def read_practices(path: Path | None = None) -> PracticeCatalog:
    """The practices file (the bundled one by default), checked against its schema; re-read when it changes."""
    return _read(file_version(path or BUNDLED_FILE))
