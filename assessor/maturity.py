"""The maturity model's data file, checked against its schema and turned into plain frozen dataclasses (no database).

The bundled model file is also where the aspect and level vocabulary comes from: ASPECT_KEYS, LEVEL_NUMBERS
and LEVEL_NAMES are read from it once, and every other module takes them from here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid, check_data, duplicates, file_version, problem, read_data_file

BUNDLED_MODEL_FILE = Path(__file__).resolve().parent / "data" / "maturity_model" / "pemm-1.0.yaml"
SCHEMA_FILE = BUNDLED_MODEL_FILE.parent / "maturity-model.schema.json"


class ModelFileError(DataFileInvalid):
    """The maturity model file is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class LevelSpec:
    number: int
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CellSpec:
    level: int
    label: str
    summary: str
    characteristics: tuple[str, ...]
    next_steps: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class AspectSpec:
    key: str
    name: str
    question: str
    description: str
    cells: tuple[CellSpec, ...]

    def cell(self, level: int) -> CellSpec:
        return next(cell for cell in self.cells if cell.level == level)


@dataclass(frozen=True)
class ModelSpec:
    model: str
    version: str
    title: str
    source_name: str
    source_url: str
    guidance: tuple[str, ...]
    levels: tuple[LevelSpec, ...]
    aspects: tuple[AspectSpec, ...]
    content_hash: str

    def level_number(self, name: str) -> int:
        """The level a name or alias refers to ("Operationalized" and "Operational" are both level 2)."""
        wanted = name.strip().casefold()
        for level in self.levels:
            if wanted in {level.name.casefold(), *(alias.casefold() for alias in level.aliases)}:
                return level.number
        raise KeyError(name)


def _problems(doc: dict[str, Any], vocabulary: tuple[str, ...] | None) -> list[str]:
    """What the schema cannot say: unique aspect keys and level names, and the aspects the service knows."""
    keys = [aspect["key"] for aspect in doc["aspects"]]
    found = [problem(("aspects",), f"the key {key!r} is used by two aspects") for key in duplicates(keys)]
    names = [name.casefold() for level in doc["levels"] for name in (level["name"], *level.get("aliases", ()))]
    found.extend(problem(("levels",), f"the name {name!r} is given to two levels") for name in duplicates(names))
    if vocabulary is not None and not found and tuple(keys) != vocabulary:
        found.append(problem(("aspects",), f"must be, in order: {', '.join(vocabulary)} (the aspects of the bundled model)"))
    return found


def _spec(doc: dict[str, Any]) -> ModelSpec:
    source = doc.get("source", {})
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return ModelSpec(
        model=doc["model"].strip(),
        version=doc["version"].strip(),
        title=doc["title"].strip(),
        source_name=str(source.get("name", "")),
        source_url=str(source.get("url", "")),
        guidance=tuple(doc.get("guidance", ())),
        levels=tuple(
            LevelSpec(number=level["number"], name=level["name"].strip(), aliases=tuple(level.get("aliases", ())))
            for level in doc["levels"]
        ),
        aspects=tuple(
            AspectSpec(
                key=aspect["key"],
                name=aspect["name"].strip(),
                question=aspect["question"].strip(),
                description=aspect["description"].strip(),
                cells=tuple(
                    CellSpec(
                        level=cell["level"],
                        label=cell["label"].strip(),
                        summary=cell["summary"].strip(),
                        characteristics=tuple(text.strip() for text in cell["characteristics"]),
                        next_steps=tuple(text.strip() for text in cell["next_steps"]),
                        evidence=tuple(text.strip() for text in cell["evidence"]),
                    )
                    for cell in aspect["cells"]
                ),
            )
            for aspect in doc["aspects"]
        ),
        content_hash=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def _checked(doc: dict[str, Any], source: str | Path, vocabulary: tuple[str, ...] | None) -> ModelSpec:
    """A ModelSpec from a document that already satisfies the schema, once the other checks pass."""
    problems = _problems(doc, vocabulary)
    if problems:
        raise ModelFileError(*problems, source=source)
    return _spec(doc)


@cache
def bundled_model() -> ModelSpec:
    """The model file that ships with the service: the source of the aspect and level vocabulary."""
    return _checked(read_data_file(BUNDLED_MODEL_FILE, SCHEMA_FILE, error=ModelFileError), BUNDLED_MODEL_FILE, None)


# The vocabulary, read from the bundled model (in its order), for every module that needs aspects or levels.
ASPECT_KEYS: tuple[str, ...] = tuple(aspect.key for aspect in bundled_model().aspects)
LEVEL_NUMBERS: tuple[int, ...] = tuple(level.number for level in bundled_model().levels)
LEVEL_NAMES: dict[int, str] = {level.number: level.name for level in bundled_model().levels}
ASPECT_NAMES: dict[str, str] = {aspect.key: aspect.name for aspect in bundled_model().aspects}


def parse_model(data: Any, *, source: str | Path = "maturity model") -> ModelSpec:
    """Check a parsed model document (schema, then unique keys and the known aspects) and turn it into a ModelSpec."""
    return _checked(check_data(data, SCHEMA_FILE, source=source, error=ModelFileError), source, ASPECT_KEYS)


def read_model_file(path: Path) -> ModelSpec:
    """Read and check a model file; every problem is a ModelFileError naming the file. Read again only once changed."""
    return _read_model_file(*file_version(path))


@lru_cache(maxsize=16)
def _read_model_file(path: Path, *version: int) -> ModelSpec:
    return _checked(read_data_file(path, SCHEMA_FILE, error=ModelFileError), path, ASPECT_KEYS)
