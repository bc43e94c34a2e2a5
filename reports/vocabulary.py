"""Names shown on reports (aspects, levels, capability domains), read once from the project's data files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assessor.capabilities import read_capabilities
from assessor.maturity import read_model_file
from assessor.scoring.frames import ASPECTS, LEVELS
from reports import conf


@dataclass(frozen=True)
class Vocabulary:
    aspects: dict[str, str]  # key -> name, in the model's order
    levels: dict[int, str]  # 1 -> "Provisional", ...
    capabilities: dict[str, str]  # domain key -> name, in the white paper's order


@cache
def _model_names(path: Path) -> tuple[dict[str, str], dict[int, str]]:
    spec = read_model_file(path)
    return {aspect.key: aspect.name for aspect in spec.aspects}, {level.number: level.name for level in spec.levels}


@cache
def _capability_names(path: Path | None) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    return {domain.key: domain.name for domain in read_capabilities(path)}


def vocabulary() -> Vocabulary:
    try:
        aspects, levels = _model_names(conf.maturity_model_file())
    except (OSError, ValueError):
        aspects, levels = {key: key.title() for key in ASPECTS}, {level: f"Level {level}" for level in LEVELS}
    return Vocabulary(aspects=aspects, levels=levels, capabilities=_capability_names(conf.capabilities_file()))
