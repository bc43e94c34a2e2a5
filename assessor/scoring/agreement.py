"""The words that say how far a team's respondents agree on an aspect, the same on every page that shows it."""

from __future__ import annotations

from dataclasses import dataclass

# Respondents' aspect scores this far apart (highest minus lowest) or more no longer read as close views.
VIEWS_DIFFER_SPREAD = 1.0


@dataclass(frozen=True)
class Agreement:
    label: str
    tone: str  # "ok", "warn" or "" (nothing to compare yet): the badge style


def agreement(*, respondents: int, spread: float | None, disagreement: bool) -> Agreement:
    """Split views when two answers to one question are far apart (the rubric's disagreement flag); views
    differ when the respondents' scores are a level or more apart; close views below that."""
    if disagreement:
        return Agreement("Split views", "warn")
    if respondents < 2:
        return Agreement("One answer so far", "")
    if spread is not None and spread >= VIEWS_DIFFER_SPREAD:
        return Agreement("Views differ", "warn")
    return Agreement("Close views", "ok")
