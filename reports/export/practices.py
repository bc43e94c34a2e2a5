"""The practices section of the TAG export (format version 3): pure, from one wave's frames to counts.

Its unit is the application team, not the respondent: per practice, how many application teams use it
(directly or through their providers, as on the practices page), how many of those rest on free text alone,
and how the two groups' outcomes are distributed: each team's median wait for the capabilities it needs
(hours, days, weeks, months) and its share of capabilities got by ticket (none, some, half or more). Every
count joins the export's other counts in one suppression, so the same k and rounding hold for it.

Counted while the answers are read: `PracticeTally` takes the wave in team-aligned chunks (every answer of
a set of teams), and each team's figures come from its own chunk. What a team needs of other teams (what
its providers offer, by their answers) is gathered first from the providers' answers (`provider_offers`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from assessor.scoring.frames import ANSWER_COLUMNS
from reports.export.suppression import Key, Relation, Suppressed
from reports.frames.practice_texts import IMPLEMENTATION_KEYS, free_text_practices
from reports.frames.practices import adoption, capability_part, outcomes
from reports.practices import Practice

GROUPS = ("adopters", "others")
WAIT_BUCKETS = ("hours", "days", "weeks", "months", "no_answer")  # a day or less, a week or less, a month or less
TICKET_BUCKETS = ("none", "some", "half_or_more", "no_answer")
OUTCOMES = {"median_wait": WAIT_BUCKETS, "ticket_share": TICKET_BUCKETS}
SCORE_COLUMNS = ["wave_id", "team_id", "aspect", "score", "level"]
UNMET_COLUMNS = ["wave_id", "team_id", "capability"]
OUTCOME_FIELDS = ["team_id", "median_wait_days", "ticket_share"]
TEXT_COLUMNS = ["answer_id", "wave_id", "team_id", "question_key", "text", "source"]
TAG_COLUMNS = ["answer_id", "kind", "value", "phrase", "start", "end", "status"]


@dataclass(frozen=True)
class PracticeInput:
    """What the section is built from, beside the wave's answers, links and team kinds.

    `texts` None: what people wrote about how their services are set up is taken from the answers as they
    are read, each text with the id `text_answer_id` gives it, which is what the tags refer to; `read_tags`
    then reads them when the first text comes (none written, none read)."""

    version: str = ""
    practices: Sequence[Practice] = ()
    answer_share: float = 0.5
    signals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["team_id", "key", "value", "subject"]))
    texts: pd.DataFrame | None = field(default_factory=lambda: pd.DataFrame(columns=TEXT_COLUMNS))
    tags: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TAG_COLUMNS))
    read_tags: Callable[[], pd.DataFrame] | None = None


def text_answer_id(response_id: int, question_key: str) -> int:
    """The id of one implementation text when texts come from the answers: one per response and question."""
    return int(response_id) * len(IMPLEMENTATION_KEYS) + IMPLEMENTATION_KEYS.index(question_key)


def _wait_bucket(days: float) -> str:
    if np.isnan(days):
        return "no_answer"
    return "hours" if days <= 1 else "days" if days <= 7 else "weeks" if days <= 31 else "months"


def _ticket_bucket(share: float) -> str:
    if np.isnan(share):
        return "no_answer"
    return "none" if share == 0 else "some" if share < 0.5 else "half_or_more"


def provider_offers(answers: pd.DataFrame, practices: Sequence[Practice], share: float) -> dict[int, set[str]]:
    """team -> practices its answers to "How do teams get it from you?" show: for one capability, the answers
    naming one of the practice's ways are at least `share` of the team's answers (as the practices page
    counts a provider's offer). `answers` holds whole teams."""
    rows = answers[answers["capability"].notna() & answers["value"].notna()]
    rows = rows[capability_part(rows) == "interface"]
    found: dict[int, set[str]] = {}
    if rows.empty:
        return found
    counted = rows.groupby(["wave_id", "team_id", "question_key", "value"], observed=True).size().rename("n").reset_index()
    counted["total"] = counted.groupby(["wave_id", "team_id", "question_key"], observed=True)["n"].transform("sum")
    counted = counted[counted["n"] >= share * counted["total"]]
    for practice in practices:
        if practice.offered:
            for team in counted.loc[counted["value"].isin(sorted(practice.offered)), "team_id"]:
                found.setdefault(int(team), set()).add(practice.key)
    return found


@dataclass
class PracticeTally:
    """The section's counts so far, for the application teams of the chunks added."""

    given: PracticeInput
    links: pd.DataFrame
    team_kinds: Mapping[int, str]
    offers: Mapping[int, set[str]]  # provider -> practices it offers (`provider_offers` over every provider)
    counts: Counter[Key] = field(default_factory=Counter)
    seen: set[int] = field(default_factory=set)
    wave_id: int | None = None
    tags: pd.DataFrame | None = None  # `given.tags`, or what `given.read_tags` read

    def add(self, answers: pd.DataFrame) -> None:
        """Count the application teams with answers in this chunk (it holds every answer of its teams)."""
        if not self.given.practices:
            return
        teams = {int(team) for team in answers["team_id"].unique()}
        if self.wave_id is None and len(answers):
            self.wave_id = int(answers["wave_id"].iloc[0])
        self._count(sorted(t for t in teams if self.team_kinds.get(t) == "application"), answers)

    def finish(self) -> None:
        """Count the application teams that gave no answer (their signals and providers still count)."""
        if not self.given.practices:
            return
        rest = sorted(t for t, kind in self.team_kinds.items() if kind == "application" and int(t) not in self.seen)
        self._count([int(t) for t in rest], None)

    def _texts(self, teams: Collection[int], answers: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        given = self.given
        if given.texts is not None:
            texts = given.texts[given.texts["team_id"].isin(sorted(teams))] if len(given.texts) else given.texts
        elif answers is None:
            texts = pd.DataFrame(columns=TEXT_COLUMNS)
        else:
            rows = answers[answers["question_key"].isin(IMPLEMENTATION_KEYS) & answers["value"].notna()]
            ids = [text_answer_id(r, str(q)) for r, q in zip(rows["response_id"], rows["question_key"], strict=True)]
            texts = rows.assign(answer_id=ids, text=rows["value"].astype(str), source="")[TEXT_COLUMNS]
        if self.tags is None and (given.read_tags is None or len(texts)):
            self.tags = given.read_tags() if given.read_tags is not None else given.tags
        every = self.tags if self.tags is not None else given.tags
        return texts, every[every["answer_id"].isin(texts["answer_id"].tolist())] if len(every) else every

    def _count(self, teams: list[int], answers: pd.DataFrame | None) -> None:
        if not teams:
            return
        self.seen.update(teams)
        given, counts = self.given, self.counts
        # their capability answers (what adoption and outcomes read), a provider's offer left to `offers`
        if answers is not None:
            mine = answers[answers["capability"].notna() & answers["team_id"].isin(teams)]
            mine = mine[mine["question_key"].astype(str).str.rsplit(".", n=1).str[-1] != "interface"]
        else:
            mine = pd.DataFrame({column: [] for column in ANSWER_COLUMNS})
        links = self.links[self.links["consumer_id"].isin(teams)]
        providers: dict[int, list[int]] = {}
        for consumer, provider in zip(links["consumer_id"], links["provider_id"], strict=True):
            providers.setdefault(int(consumer), []).append(int(provider))
        near = set(teams) | {p for ps in providers.values() for p in ps}
        texts, tags = self._texts(teams, answers)
        rows = adoption(
            teams,
            [self.wave_id if self.wave_id is not None else 0],
            signals=given.signals[given.signals["team_id"].isin(sorted(near))],
            answers=mine,
            links=links,
            practices=given.practices,
            answer_share=given.answer_share,
            free_text=free_text_practices(texts, tags, given.practices),
        )
        empty_scores = pd.DataFrame(columns=SCORE_COLUMNS)
        if answers is not None:
            outcome = outcomes(teams, answers=mine, unmet=pd.DataFrame(columns=UNMET_COLUMNS), scores=empty_scores, links=links)
        else:
            outcome = pd.DataFrame(columns=OUTCOME_FIELDS)
        by_team = outcome.set_index("team_id") if not outcome.empty else pd.DataFrame(columns=OUTCOME_FIELDS).set_index("team_id")
        for practice in given.practices:
            mine_rows = rows[rows["practice"] == practice.key]
            offered = [
                any(practice.key in self.offers.get(p, ()) for p in providers.get(int(team), ())) for team in mine_rows["team_id"]
            ]
            offered_mask = pd.Series(offered, index=mine_rows.index, dtype=bool)
            adopted = mine_rows["adopted"].astype(bool) | offered_mask
            only_words = (
                mine_rows["adopted"].astype(bool)
                & mine_rows["provenance"].map(lambda items: all(str(i).startswith("free text:") for i in items)).astype(bool)
                & ~offered_mask
            )
            counts[("practices", practice.key, "adopters")] += int(adopted.sum())
            counts[("practices", practice.key, "others")] += int((~adopted).sum())
            counts[("practices", practice.key, "from_free_text")] += int(only_words.sum())
            for group in GROUPS:
                chosen = mine_rows.loc[adopted == (group == "adopters"), "team_id"].astype(int).tolist()
                values = by_team.reindex(chosen)
                for measure in OUTCOMES:
                    column = "median_wait_days" if measure == "median_wait" else "ticket_share"
                    bucket_of = _wait_bucket if measure == "median_wait" else _ticket_bucket
                    for value in values[column].astype(float) if len(values) else ():
                        counts[("practices", practice.key, group, measure, bucket_of(float(value)))] += 1

    def figures(self) -> tuple[dict[Key, int], list[Relation], set[Key]]:
        """The section's exact counts, the relations between them, and the cells that are never published."""
        counts: dict[Key, int] = {}
        relations: list[Relation] = []
        hidden: set[Key] = set()
        if not self.given.practices:
            return counts, relations, hidden
        tally = self.counts
        counts[("practices", "teams")] = sum(1 for kind in self.team_kinds.values() if kind == "application")
        for practice in self.given.practices:
            group_key = {name: ("practices", practice.key, name) for name in GROUPS}
            counts[group_key["adopters"]] = tally[group_key["adopters"]]
            counts[group_key["others"]] = tally[group_key["others"]]
            relations.append(Relation(("practices", "teams"), (group_key["adopters"], group_key["others"])))
            words, rest = ("practices", practice.key, "from_free_text"), ("practices", practice.key, "not_only_free_text")
            counts[words], counts[rest] = tally[words], tally[group_key["adopters"]] - tally[words]
            hidden.add(rest)
            relations.append(Relation(group_key["adopters"], (words, rest)))
            for group in GROUPS:
                for measure, buckets in OUTCOMES.items():
                    keys = [("practices", practice.key, group, measure, bucket) for bucket in buckets]
                    for key in keys:
                        counts[key] = tally[key]
                    relations.append(Relation(group_key[group], tuple(keys)))
        return counts, relations, hidden


def practice_tally(
    links: pd.DataFrame, team_kinds: Mapping[int, str], given: PracticeInput, provider_chunks: Iterable[pd.DataFrame]
) -> PracticeTally:
    """An empty tally, with what every provider offers read from `provider_chunks` (their answers, whole teams)."""
    offers: dict[int, set[str]] = {}
    if given.practices:
        for chunk in provider_chunks:
            for team, found in provider_offers(chunk, given.practices, given.answer_share).items():
                offers.setdefault(team, set()).update(found)
    return PracticeTally(given=given, links=links, team_kinds=team_kinds, offers=offers)


def practice_counts(
    answers: pd.DataFrame, links: pd.DataFrame, team_kinds: Mapping[int, str], given: PracticeInput
) -> tuple[dict[Key, int], list[Relation], set[Key]]:
    """The section's exact counts from the whole wave's answers (one chunk), the relations between them, and the
    cells that are never published."""
    tally = practice_tally(links, team_kinds, given, [answers])
    tally.add(answers)
    tally.finish()
    return tally.figures()


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
