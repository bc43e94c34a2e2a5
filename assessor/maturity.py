"""The maturity model's data file, parsed and checked into plain frozen dataclasses (no database)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.yamlsafe import load_yaml

ASPECT_KEYS = ("investment", "adoption", "interfaces", "operations", "measurement")
LEVEL_NUMBERS = (1, 2, 3, 4)


class ModelFileError(ValueError):
    """The maturity model file is malformed; the message names the place."""


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


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ModelFileError(f"{where}: '{key}' must be a non-empty string.")
    return value.strip()


def _texts(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ModelFileError(f"{where}: '{key}' must be a non-empty list of strings.")
    return tuple(v.strip() for v in value)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelFileError(f"{where} must be a mapping.")
    return value


def _parse_levels(raw: Any) -> tuple[LevelSpec, ...]:
    if not isinstance(raw, list):
        raise ModelFileError("'levels' must be a list.")
    levels = []
    for index, item in enumerate(raw):
        data = _mapping(item, f"levels[{index}]")
        aliases = data.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ModelFileError(f"levels[{index}]: 'aliases' must be a list of strings.")
        levels.append(LevelSpec(number=data.get("number"), name=_text(data, "name", f"levels[{index}]"), aliases=tuple(aliases)))
    if tuple(level.number for level in levels) != LEVEL_NUMBERS:
        raise ModelFileError("'levels' must list levels 1, 2, 3 and 4 in order.")
    return tuple(levels)


def _parse_cell(data: dict[str, Any], where: str) -> CellSpec:
    return CellSpec(
        level=data.get("level"),
        label=_text(data, "label", where),
        summary=_text(data, "summary", where),
        characteristics=_texts(data, "characteristics", where),
        next_steps=_texts(data, "next_steps", where),
        evidence=_texts(data, "evidence", where),
    )


def _parse_aspects(raw: Any) -> tuple[AspectSpec, ...]:
    if not isinstance(raw, list):
        raise ModelFileError("'aspects' must be a list.")
    aspects = []
    for index, item in enumerate(raw):
        data = _mapping(item, f"aspects[{index}]")
        key = _text(data, "key", f"aspects[{index}]")
        cells_raw = data.get("cells")
        if not isinstance(cells_raw, list):
            raise ModelFileError(f"aspect {key}: 'cells' must be a list.")
        cells = tuple(
            _parse_cell(_mapping(c, f"aspect {key} cell {i}"), f"aspect {key} cell {i}") for i, c in enumerate(cells_raw)
        )
        if tuple(cell.level for cell in cells) != LEVEL_NUMBERS:
            raise ModelFileError(f"aspect {key}: cells must cover levels 1, 2, 3 and 4 in order.")
        aspects.append(
            AspectSpec(
                key=key,
                name=_text(data, "name", f"aspect {key}"),
                question=_text(data, "question", f"aspect {key}"),
                description=_text(data, "description", f"aspect {key}"),
                cells=cells,
            )
        )
    if tuple(aspect.key for aspect in aspects) != ASPECT_KEYS:
        raise ModelFileError(f"'aspects' must be, in order: {', '.join(ASPECT_KEYS)}.")
    return tuple(aspects)


def parse_model(data: Any) -> ModelSpec:
    """Check a parsed model document and turn it into a ModelSpec."""
    doc = _mapping(data, "The model file")
    version = doc.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ModelFileError("'version' must be a non-empty string, quoted (for example \"1.0\").")
    source = _mapping(doc.get("source") or {}, "'source'")
    guidance = doc.get("guidance") or []
    if not isinstance(guidance, list) or not all(isinstance(g, str) for g in guidance):
        raise ModelFileError("'guidance' must be a list of strings.")
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return ModelSpec(
        model=_text(doc, "model", "The model file"),
        version=version.strip(),
        title=_text(doc, "title", "The model file"),
        source_name=str(source.get("name", "")),
        source_url=str(source.get("url", "")),
        guidance=tuple(guidance),
        levels=_parse_levels(doc.get("levels")),
        aspects=_parse_aspects(doc.get("aspects")),
        content_hash=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def read_model_file(path: Path) -> ModelSpec:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        return parse_model(load_yaml(text))
    except ValueError as exc:
        raise ModelFileError(f"{path}: {exc}") from exc
