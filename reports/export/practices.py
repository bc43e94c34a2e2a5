"""The practices section of the TAG export (format version 3): pure, from one wave's frames to counts.

Its unit is the application team, not the respondent: per practice, how many application teams use it
(directly or through their providers, as on the practices page), how many of those rest on free text alone,
and how the two groups' outcomes are distributed: each team's median wait for the capabilities it needs
(hours, days, weeks, months) and its share of capabilities got by ticket (none, some, half or more). Every
count joins the export's other counts in one suppression, so the same k and rounding hold for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from reports.export.suppression import Key, Relation, Suppressed
from reports.frames.practice_texts import free_text_practices
from reports.frames.practices import adoption, outcomes
from reports.practices import Practice

GROUPS = ("adopters", "others")
WAIT_BUCKETS = ("hours", "days", "weeks", "months", "no_answer")  # a day or less, a week or less, a month or less
TICKET_BUCKETS = ("none", "some", "half_or_more", "no_answer")
OUTCOMES = {"median_wait": WAIT_BUCKETS, "ticket_share": TICKET_BUCKETS}
SCORE_COLUMNS = ["wave_id", "team_id", "aspect", "score", "level"]
UNMET_COLUMNS = ["wave_id", "team_id", "capability"]
OUTCOME_FIELDS = ["team_id", "median_wait_days", "ticket_share"]


@dataclass(frozen=True)
class PracticeInput:
    """What the section is built from, beside the wave's answers, links and team kinds."""

    version: str = ""
    practices: Sequence[Practice] = ()
    answer_share: float = 0.5
    signals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["team_id", "key", "value", "subject"]))
    texts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["answer_id", "wave_id", "team_id", "question_key", "text", "source"])
    )
    tags: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["answer_id", "kind", "value", "phrase", "start", "end", "status"])
    )


def _wait_bucket(days: float) -> str:
    if np.isnan(days):
        return "no_answer"
    return "hours" if days <= 1 else "days" if days <= 7 else "weeks" if days <= 31 else "months"


def _ticket_bucket(share: float) -> str:
    if np.isnan(share):
        return "no_answer"
    return "none" if share == 0 else "some" if share < 0.5 else "half_or_more"


def practice_counts(
    answers: pd.DataFrame, links: pd.DataFrame, team_kinds: Mapping[int, str], given: PracticeInput
) -> tuple[dict[Key, int], list[Relation], set[Key]]:
    """The section's exact counts, the relations between them, and the cells that are never published."""
    counts: dict[Key, int] = {}
    relations: list[Relation] = []
    hidden: set[Key] = set()
    if not given.practices:
        return counts, relations, hidden
    app_teams = sorted(int(team) for team, kind in team_kinds.items() if kind == "application")
    waves = sorted({int(w) for w in answers["wave_id"]}) or [0]
    rows = adoption(
        app_teams,
        waves[:1],
        signals=given.signals,
        answers=answers,
        links=links,
        practices=given.practices,
        answer_share=given.answer_share,
        free_text=free_text_practices(given.texts, given.tags, given.practices),
    )
    empty_scores = pd.DataFrame(columns=SCORE_COLUMNS)
    outcome = outcomes(app_teams, answers=answers, unmet=pd.DataFrame(columns=UNMET_COLUMNS), scores=empty_scores, links=links)
    by_team = outcome.set_index("team_id") if not outcome.empty else pd.DataFrame(columns=OUTCOME_FIELDS).set_index("team_id")
    counts[("practices", "teams")] = len(app_teams)
    for practice in given.practices:
        mine = rows[rows["practice"] == practice.key]
        only_words = mine["adopted"] & mine["provenance"].map(lambda items: all(str(i).startswith("free text:") for i in items))
        group_key = {name: ("practices", practice.key, name) for name in GROUPS}
        counts[group_key["adopters"]] = int(mine["adopted"].sum())
        counts[group_key["others"]] = int((~mine["adopted"]).sum())
        relations.append(Relation(("practices", "teams"), (group_key["adopters"], group_key["others"])))
        words, rest = ("practices", practice.key, "from_free_text"), ("practices", practice.key, "not_only_free_text")
        counts[words], counts[rest] = int(only_words.sum()), int(mine["adopted"].sum() - only_words.sum())
        hidden.add(rest)
        relations.append(Relation(group_key["adopters"], (words, rest)))
        for group in GROUPS:
            teams = mine.loc[mine["adopted"] == (group == "adopters"), "team_id"].astype(int).tolist()
            values = by_team.reindex(teams)
            for measure, buckets in OUTCOMES.items():
                column = "median_wait_days" if measure == "median_wait" else "ticket_share"
                bucket_of = _wait_bucket if measure == "median_wait" else _ticket_bucket
                seen = [bucket_of(float(v)) for v in values[column].astype(float)] if len(values) else []
                keys = [("practices", practice.key, group, measure, bucket) for bucket in buckets]
                for bucket, key in zip(buckets, keys, strict=True):
                    counts[key] = seen.count(bucket)
                relations.append(Relation(group_key[group], tuple(keys)))
    return counts, relations, hidden


def _share(count: int | None, total: int | None) -> float | None:
    return round(count / total, 2) if count is not None and total else None


def practice_section(given: PracticeInput, result: Suppressed) -> dict[str, Any] | None:
    """The published section; None when the export was built without a practices file."""
    if not given.practices:
        return None
    items = []
    for practice in given.practices:
        base = ("practices", practice.key)
        outcomes_out = []
        for group in GROUPS:
            total = result.value((*base, group))
            for measure, buckets in OUTCOMES.items():
                cells = [
                    {
                        "category": bucket,
                        "count": result.value((*base, group, measure, bucket)),
                        "share": _share(result.value((*base, group, measure, bucket)), total),
                    }
                    for bucket in buckets
                ]
                outcomes_out.append({"outcome": measure, "group": group, "total": total, "cells": cells})
        items.append(
            {
                "practice": practice.key,
                "name": practice.name,
                "adopters": result.value((*base, "adopters")),
                "others": result.value((*base, "others")),
                "from_free_text": result.value((*base, "from_free_text")),
                "outcomes": outcomes_out,
            }
        )
    return {
        "version": given.version,
        "unit": "application teams",
        "teams": result.value(("practices", "teams")),
        "items": items,
    }
