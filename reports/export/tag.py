"""The anonymized TAG export of one wave (format tag-export, version 3): pure, from frames to a document.

What it holds: respondents per team kind, the distribution of maturity levels per aspect and team kind,
perception gaps by provider kind, cooperation (need, delivery, wait, supply, interface, unmet needs) per
capability and team kind, the organization-size bucket, and, only when an admin releases it, free text
scrubbed of addresses, links, handles and known names (`reports.export.scrub`). Version 2 adds the release
it belongs to (number, inputs hash, superseded); `tag_release` also returns each figure's exact respondents,
which the service keeps to compare releases (`reports.export.release`) and never publishes. Version 3 adds
the practices section, counted in application teams (`reports.export.practices`).
What it never holds: team or people names, ids of any row, wave names, exact times.
Every count goes through `reports.export.suppression` (see its docstring for the rule); means are
published only from k or more respondents on each side, to one decimal.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from assessor.scoring.claims import band, respondent_scores
from assessor.scoring.cooperation import unmet_needs
from assessor.scoring.frames import ASPECTS, LEVELS
from reports.export.practices import PracticeInput, practice_counts, practice_section
from reports.export.scrub import KnownNames, ScrubCounts, scrub_texts
from reports.export.suppression import Key, Relation, Suppressed, suppress

FORMAT = "tag-export"
FORMAT_VERSION = 3
KINDS = ("application", "platform", "infrastructure")
PROVIDER_KINDS = ("platform", "infrastructure")
ALL = "all"
NO_ANSWER = "no_answer"
LEVEL_CATEGORIES = (*(f"level_{level}" for level in LEVELS), NO_ANSWER)
RULE = (
    "Counts below k are never published; further counts are withheld until no withheld count below k can be "
    "computed from published ones and every total minus its published parts covers k or more respondents; "
    "published counts are rounded to a multiple of the rounding base; means need k respondents per side; "
    "only closed waves are exported."
)


@dataclass(frozen=True)
class QuestionInfo:
    key: str
    qtype: str
    capability: str | None = None
    options: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    show_if: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class TagInput:
    """One closed wave's data. `answers` has `assessor.scoring.frames.ANSWER_COLUMNS`, submitted responses only."""

    answers: pd.DataFrame
    team_kinds: Mapping[int, str]
    links: pd.DataFrame  # consumer_id, provider_id
    questions: Sequence[QuestionInfo]
    kind_roles: Mapping[str, Sequence[str]]
    organization_size: str
    model_version: str
    instrument_key: str
    instrument_version: int
    closed_on: date
    names: KnownNames = field(default_factory=KnownNames)  # scrubbed out of released free text
    practices: PracticeInput = field(default_factory=PracticeInput)  # none given: the section is null


@dataclass(frozen=True)
class ReleaseInfo:
    number: int
    inputs_hash: str


@dataclass(frozen=True)
class TagDocument:
    """The document, the exact respondents behind each figure (name -> (count, published)), and what scrubbing did."""

    document: dict[str, Any]
    cells: dict[str, tuple[int, bool]]
    scrubbed: ScrubCounts | None


@dataclass
class _Table:
    section: str
    subject: str
    team_kind: str
    total: Key
    cells: list[tuple[str, Key]]


@dataclass
class _Counts:
    counts: dict[Key, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    hidden: set[Key] = field(default_factory=set)
    tables: list[_Table] = field(default_factory=list)

    def table(self, section: str, subject: str, kind: str, total: Key, cells: Mapping[str, int], prefix: tuple[str, ...]) -> None:
        keys: list[tuple[str, Key]] = [(category, (*prefix, category)) for category in cells]
        for category, key in keys:
            self.counts[key] = int(cells[category])
        self.relations.append(Relation(total, tuple(key for _, key in keys)))
        self.tables.append(_Table(section, subject, kind, total, keys))


def _respondent_kinds(answers: pd.DataFrame, team_kinds: Mapping[int, str]) -> dict[int, str]:
    pairs = answers[["response_id", "team_id"]].drop_duplicates()
    return {
        int(response): team_kinds[int(team)]
        for response, team in zip(pairs["response_id"], pairs["team_id"], strict=True)
        if team_kinds.get(int(team)) in KINDS
    }


def _respondents(data: _Counts, kinds: Mapping[int, str]) -> None:
    per_kind = Counter(kinds.values())
    for kind in KINDS:
        data.counts[("respondents", kind)] = per_kind.get(kind, 0)
    data.counts[("respondents", ALL)] = len(kinds)
    data.relations.append(Relation(("respondents", ALL), tuple(("respondents", kind) for kind in KINDS)))


def _levels(data: _Counts, answers: pd.DataFrame, kinds: Mapping[int, str]) -> None:
    scores = respondent_scores(answers)
    levels: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for response, aspect, score in zip(scores["response_id"], scores["aspect"], scores["score"], strict=True):
        kind = kinds.get(int(response))
        if kind is not None and aspect in ASPECTS:
            levels[(aspect, kind)][f"level_{band(float(score))}"] += 1
    for aspect in ASPECTS:
        for kind in KINDS:
            cells = {category: levels[(aspect, kind)].get(category, 0) for category in LEVEL_CATEGORIES[:-1]}
            cells[NO_ANSWER] = data.counts[("respondents", kind)] - sum(cells.values())
            data.table("level_distribution", aspect, kind, ("respondents", kind), cells, ("level", aspect, kind))
        overall = {
            category: sum(data.counts[("level", aspect, kind, category)] for kind in KINDS) for category in LEVEL_CATEGORIES
        }
        data.table("level_distribution", aspect, ALL, ("respondents", ALL), overall, ("level", aspect, ALL))
        for category in LEVEL_CATEGORIES:
            parts = tuple(("level", aspect, kind, category) for kind in KINDS)
            data.relations.append(Relation(("level", aspect, ALL, category), parts))


def _kinds_seeing(question: QuestionInfo, kind_roles: Mapping[str, Sequence[str]]) -> list[str]:
    if not question.roles:
        return list(KINDS)
    return [kind for kind in KINDS if set(kind_roles.get(kind, ())) & set(question.roles)]


def _choices(answers: pd.DataFrame, keys: Iterable[str]) -> dict[str, dict[int, str]]:
    """question key -> response id -> chosen value, for single-choice questions."""
    rows = answers[answers["question_key"].isin(list(keys)) & answers["value"].notna()]
    chosen: dict[str, dict[int, str]] = defaultdict(dict)
    for key, response, value in zip(rows["question_key"], rows["response_id"], rows["value"], strict=True):
        chosen[key][int(response)] = str(value)
    return chosen


def _cooperation(data: _Counts, source: TagInput, kinds: Mapping[int, str]) -> None:
    questions = [q for q in source.questions if q.capability and q.qtype == "single_choice" and q.options]
    chosen = _choices(source.answers, [q.key for q in questions])
    by_key = {q.key: q for q in questions}
    populations: dict[tuple[str, str], tuple[Key, set[int]]] = {}
    for question in questions:
        for kind in _kinds_seeing(question, source.kind_roles):
            if question.show_if is None:
                population_key: Key = ("respondents", kind)
                members = {response for response, k in kinds.items() if k == kind}
            else:
                parent, values = question.show_if
                if parent not in by_key or (parent, kind) not in populations:
                    continue
                members = {r for r in populations[(parent, kind)][1] if chosen[parent].get(r) in values}
                if len(values) == 1:
                    population_key = ("q", parent, kind, values[0])
                else:
                    population_key = ("shown", question.key, kind)
                    data.counts[population_key] = len(members)
                    data.relations.append(Relation(population_key, tuple(("q", parent, kind, v) for v in values)))
            populations[(question.key, kind)] = (population_key, members)
            answered = Counter(chosen[question.key][r] for r in members if chosen[question.key].get(r) in question.options)
            cells = {option: answered.get(option, 0) for option in question.options}
            cells[NO_ANSWER] = len(members) - sum(cells.values())
            part = question.key.rsplit(".", 1)[-1]
            data.table(f"cooperation.{part}", question.capability or "", kind, population_key, cells, ("q", question.key, kind))
    _unmet(data, source, kinds, chosen)


def _unmet(data: _Counts, source: TagInput, kinds: Mapping[int, str], chosen: Mapping[str, Mapping[int, str]]) -> None:
    """Application respondents who need a capability their team cannot get, beside a hidden "met" complement."""
    unmet = unmet_needs(source.answers, source.links)
    unmet_teams: dict[str, set[int]] = defaultdict(set)
    for team, capability in zip(unmet.get("team_id", []), unmet.get("capability", []), strict=True):
        unmet_teams[str(capability)].add(int(team))
    teams_of = source.answers.drop_duplicates("response_id").set_index("response_id")["team_id"].to_dict()
    for question in source.questions:
        need_key = ("q", question.key, "application", "need_yes")
        if not question.capability or not question.key.endswith(".need") or need_key not in data.counts:
            continue
        needing = [
            r for r, value in chosen.get(question.key, {}).items() if value == "need_yes" and kinds.get(r) == "application"
        ]
        without = sum(1 for r in needing if int(teams_of[r]) in unmet_teams[question.capability])
        unmet_key, met_key = ("unmet", question.capability), ("met", question.capability)
        data.counts[unmet_key], data.counts[met_key] = without, data.counts[need_key] - without
        data.hidden.add(met_key)
        data.relations.append(Relation(need_key, (unmet_key, met_key)))
        data.tables.append(_Table("cooperation.unmet", question.capability, "application", need_key, [("unmet", unmet_key)]))


def _round1(value: float) -> float:
    """One decimal, halves rounding up, as the scores' own two-decimal rounding does."""
    return math.floor(value * 10 + 0.5 + 1e-9) / 10


def _mean(values: Sequence[float], k: int) -> float | None:
    return sum(values) / len(values) if len(values) >= k else None


def _scores_of(
    frame: pd.DataFrame, teams: set[int], kind: str, teams_of: Mapping[int, int], kinds: Mapping[int, str]
) -> list[float]:
    return [
        float(score)
        for response, score in zip(frame["response_id"], frame["score"], strict=True)
        if int(teams_of[int(response)]) in teams and kinds.get(int(response)) == kind
    ]


def _gap(one: float | None, other: float | None) -> float | None:
    return _round1(one - other) if one is not None and other is not None else None


def _shown(mean: float | None) -> float | None:
    return _round1(mean) if mean is not None else None


def _perception(source: TagInput, kinds: Mapping[int, str], k: int, cells: dict[str, tuple[int, bool]]) -> list[dict[str, Any]]:
    """Per provider kind and aspect: providers' own view, their consumers' view, and providers' guess of it.

    Each of the three means is a cell of `cells`, with the respondents it rests on."""
    own = respondent_scores(source.answers)
    guessed = respondent_scores(source.answers, perspective="consumers")
    teams_of = {int(r): int(t) for r, t in source.answers.drop_duplicates("response_id")[["response_id", "team_id"]].to_numpy()}
    links = [(int(c), int(p)) for c, p in zip(source.links["consumer_id"], source.links["provider_id"], strict=True)]
    rows = []
    for kind in PROVIDER_KINDS:
        providers = {p for _, p in links if source.team_kinds.get(p) == kind}
        consumers = {c for c, p in links if p in providers}
        for aspect in ASPECTS:
            mine, theirs = own[own["aspect"] == aspect], guessed[guessed["aspect"] == aspect]
            sides = {
                "provider_score": _scores_of(mine, providers, kind, teams_of, kinds),
                "consumer_score": _scores_of(mine, consumers, "application", teams_of, kinds),
                "expected_consumer_score": _scores_of(theirs, providers, kind, teams_of, kinds),
            }
            for measure, values in sides.items():
                cells[f"perception/{kind}/{aspect}/{measure}"] = (len(values), len(values) >= k)
            provider, consumer, expected = (_mean(values, k) for values in sides.values())
            rows.append(
                {
                    "aspect": aspect,
                    "provider_kind": kind,
                    "provider_score": _shown(provider),
                    "consumer_score": _shown(consumer),
                    "expected_consumer_score": _shown(expected),
                    "gap": _gap(provider, consumer),
                    "expectation_gap": _gap(expected, consumer),
                }
            )
    return rows


def _free_text(
    source: TagInput, kinds: Mapping[int, str], k: int, cells: dict[str, tuple[int, bool]]
) -> tuple[list[dict[str, Any]], ScrubCounts]:
    """Groups of k or more texts per question and team kind, scrubbed, each sorted after scrubbing."""
    texts = source.answers[(source.answers["qtype"] == "text") & source.answers["value"].notna()]
    groups: list[tuple[str, str, list[str]]] = []
    for question in (q for q in source.questions if q.qtype == "text"):
        rows = texts[texts["question_key"] == question.key]
        for kind in KINDS:
            written = sorted(
                str(value).strip()
                for response, value in zip(rows["response_id"], rows["value"], strict=True)
                if kinds.get(int(response)) == kind and str(value).strip()
            )
            cells[f"free_text/{question.key}/{kind}"] = (len(written), len(written) >= k)
            if len(written) >= k:
                groups.append((question.key, kind, written))
    scrubbed, counts = scrub_texts([text for _, _, written in groups for text in written], source.names)
    released, start = [], 0
    for key, kind, written in groups:
        chunk = sorted(scrubbed[start : start + len(written)])
        start += len(written)
        released.append({"question": key, "team_kind": kind, "texts": chunk})
    return released, counts


def _share(count: int | None, total: int | None) -> float | None:
    return round(count / total, 2) if count is not None and total else None


def _render_table(table: _Table, result: Suppressed, subject: str) -> dict[str, Any]:
    total = result.value(table.total)
    return {
        subject: table.subject,
        "team_kind": table.team_kind,
        "total": total,
        "cells": [
            {"category": category, "count": result.value(key), "share": _share(result.value(key), total)}
            for category, key in table.cells
        ],
    }


def tag_counts(source: TagInput, kinds: Mapping[int, str] | None = None) -> _Counts:
    """Every count the export may publish, exact, with the relations between them (before suppression)."""
    kinds = _respondent_kinds(source.answers, source.team_kinds) if kinds is None else kinds
    data = _Counts()
    _respondents(data, kinds)
    _levels(data, source.answers, kinds)
    _cooperation(data, source, kinds)
    counts, relations, hidden = practice_counts(source.answers, source.links, source.team_kinds, source.practices)
    data.counts.update(counts)
    data.relations.extend(relations)
    data.hidden.update(hidden)
    return data


def _cell_name(key: Key) -> str:
    return "/".join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def build_tag_export(
    source: TagInput,
    *,
    k: int,
    now: datetime,
    release_text: bool = False,
    rounding: int | None = None,
    release: ReleaseInfo | None = None,
) -> dict[str, Any]:
    """The export document; `k` is the smallest group published, `rounding` the base counts are rounded to."""
    return tag_release(source, k=k, now=now, release_text=release_text, rounding=rounding, release=release).document


def tag_release(
    source: TagInput,
    *,
    k: int,
    now: datetime,
    release_text: bool = False,
    rounding: int | None = None,
    release: ReleaseInfo | None = None,
) -> TagDocument:
    """The document with its cells; `release` None makes a draft (its `release` field is null)."""
    if k < 1:
        raise ValueError("k must be at least 1.")
    kinds = _respondent_kinds(source.answers, source.team_kinds)
    data = tag_counts(source, kinds)
    result = suppress(data.counts, data.relations, k=k, hidden=data.hidden, rounding=rounding)
    levels = [_render_table(t, result, "aspect") for t in data.tables if t.section == "level_distribution"]
    cooperation = [
        {"measure": t.section.split(".", 1)[1], **_render_table(t, result, "capability")}
        for t in data.tables
        if t.section.startswith("cooperation.")
    ]
    cells = {_cell_name(key): (int(value), key in result.published) for key, value in data.counts.items()}
    perception = _perception(source, kinds, k, cells)
    free_text, scrubbed = _free_text(source, kinds, k, cells) if release_text else (None, None)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": now.isoformat(timespec="seconds"),
        "disclosure_control": {
            "min_group_size": k,
            "rounding_base": k if rounding is None else rounding,
            "rule": RULE,
            "suppressed_cells": len(result.primary) + len(result.complementary),
        },
        "context": {
            "organization_size": source.organization_size or "unknown",
            "model_version": source.model_version,
            "instrument": {"key": source.instrument_key, "version": source.instrument_version},
            "closed_in": source.closed_on.strftime("%Y-%m"),
        },
        "respondents": [{"team_kind": kind, "count": result.value(("respondents", kind))} for kind in (*KINDS, ALL)],
        "level_distribution": levels,
        "perception_gaps": perception,
        "cooperation": cooperation,
        "free_text": free_text,
        "practices": practice_section(source.practices, result),
        "release": None
        if release is None
        else {
            "number": release.number,
            "inputs_hash": release.inputs_hash,
            "superseded": False,
            "superseded_at": None,
            "scrubbed": scrubbed.as_dict() if scrubbed is not None else None,
        },
    }
    return TagDocument(document=document, cells=cells, scrubbed=scrubbed)
