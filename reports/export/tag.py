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

Counted while read: `tag_tally` takes the wave in team-aligned chunks (`TagInput.read`: every answer of a set
of teams per chunk; a whole frame is one chunk, so both paths are one computation) and keeps only additive
counts, so the export's memory does not grow with the wave. Team-level figures (unmet needs, practices) come
from the team's own chunk; what they need of other teams (what its providers supply) is learnt from the
providers' chunks, which are read first. Perception means are sums of the respondents' two-decimal scores in
hundredths, exact, so how the wave is chunked never moves a published decimal.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import pandas as pd

from assessor.scoring.claims import band, respondent_scores
from assessor.scoring.cooperation import unmet_needs
from assessor.scoring.frames import ASPECTS, LEVELS
from reports.export.practices import PracticeInput, PracticeTally, practice_section, provider_offers
from reports.export.release import digests_hash, team_digests
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


# teams to read first -> the wave's answers in team-aligned chunks (ANSWER_COLUMNS), those teams' chunks first
AnswerChunks = Callable[[Sequence[int]], Iterable[pd.DataFrame]]


@dataclass(frozen=True)
class TagInput:
    """One closed wave's data. `answers` has `assessor.scoring.frames.ANSWER_COLUMNS`, submitted responses only:
    the whole wave, or nothing when `chunks` reads it in team-aligned chunks (every answer of a set of teams,
    no team split over two chunks), so the export counts while it reads and never holds the wave."""

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
    chunks: AnswerChunks | None = None

    def read(self, first: Sequence[int] = ()) -> Iterable[pd.DataFrame]:
        """Every answer in team-aligned chunks, the teams of `first` before the others; the whole frame is one chunk."""
        return [self.answers] if self.chunks is None else self.chunks(first)


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


@dataclass(frozen=True)
class _Population:
    """Who is asked one cooperation question, per team kind: every respondent of the kind, or those of the
    parent question's population who chose one of `values` (its `show_if`)."""

    question: QuestionInfo
    kind: str
    total: Key  # the count the question's table adds up to
    parent: str | None = None
    chosen_in: tuple[str, ...] = ()

    @property
    def shown(self) -> bool:
        """Shown after more than one of the parent's answers: its population is a count of its own."""
        return self.parent is not None and len(self.chosen_in) > 1


def _populations(source: TagInput) -> list[_Population]:
    """The cooperation tables, in the order they are published; which exist follows from the questions alone."""
    questions = [q for q in source.questions if q.capability and q.qtype == "single_choice" and q.options]
    by_key = {q.key: q for q in questions}
    made: set[tuple[str, str]] = set()
    found = []
    for question in questions:
        for kind in _kinds_seeing(question, source.kind_roles):
            if question.show_if is None:
                found.append(_Population(question, kind, ("respondents", kind)))
            else:
                parent, values = question.show_if
                if parent not in by_key or (parent, kind) not in made:
                    continue
                total: Key = ("q", parent, kind, values[0]) if len(values) == 1 else ("shown", question.key, kind)
                found.append(_Population(question, kind, total, parent, tuple(values)))
            made.add((question.key, kind))
    return found


@dataclass
class TagTally:
    """Everything the export counts, added up chunk by chunk (each chunk every answer of a set of teams).

    Additive: respondents per kind, level bands, cooperation options and populations, unmet needs, perception
    score sums (in hundredths, exact) and counts per side, the practices section's counts; the texts of
    free-text questions when they are to be released, and each team's digest for the release's inputs hash."""

    respondents: Counter[str] = field(default_factory=Counter)
    levels: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    options: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    members: Counter[tuple[str, str]] = field(default_factory=Counter)
    unmet: Counter[str] = field(default_factory=Counter)  # need question -> application respondents without it
    scores: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # cell -> [sum, count]
    texts: dict[tuple[str, str], list[str]] | None = None
    digests: dict[int, str] | None = None
    teams: set[int] = field(default_factory=set)
    practices: PracticeTally | None = None

    @property
    def respondent_count(self) -> int:
        return sum(self.respondents.values())


@dataclass
class _Plan:
    """What every chunk is counted against: the tables, each provider kind's providers and their consumers,
    and what the providers supply and offer (gathered from their answers as they come, providers first)."""

    populations: list[_Population]
    sides: dict[str, tuple[set[int], set[int]]]  # provider kind -> (providers, their consumers)
    kind_of: dict[int, str]  # team -> kind
    first: list[int]  # every provider, read before the other teams: non-application ones first
    consumers_of: dict[int, set[int]]  # provider -> its application consumers
    provided: set[tuple[int, int, str]] = field(default_factory=set)  # (wave, team, capability) answered provide_yes
    offers: dict[int, set[str]] = field(default_factory=dict)  # provider -> practices its answers offer
    complete: bool = False  # everything about the providers is known before any chunk is counted
    _frame: pd.DataFrame | None = None

    @property
    def provided_frame(self) -> pd.DataFrame:
        """`provided` as answers (wave_id, team_id, capability, question_key, value) for `unmet_needs`."""
        if self._frame is None or len(self._frame) != len(self.provided):
            frame = pd.DataFrame(sorted(self.provided), columns=["wave_id", "team_id", "capability"])
            frame = frame.astype({"wave_id": "int64", "team_id": "int64", "capability": object})
            self._frame = frame.assign(question_key="provided.provide", value="provide_yes").astype(
                {"question_key": object, "value": object}
            )
        return self._frame

    def learn(self, answers: pd.DataFrame, practices: PracticeInput) -> set[int]:
        """Add what the chunk's providers supply and offer; returns the teams something was learnt about."""
        provided = _provided(answers) - self.provided
        self.provided |= provided
        learnt = {team for _, team, _ in provided}
        for team, found in (
            provider_offers(answers, practices.practices, practices.answer_share).items() if practices.practices else ()
        ):
            if not found <= self.offers.get(team, set()):
                self.offers.setdefault(team, set()).update(found)
                learnt.add(team)
        return learnt


def _provided(answers: pd.DataFrame) -> set[tuple[int, int, str]]:
    rows = answers[answers["capability"].notna() & (answers["value"] == "provide_yes")]
    rows = rows[rows["question_key"].astype(str).str.rsplit(".", n=1).str[-1] == "provide"]
    return {(int(w), int(t), str(c)) for w, t, c in zip(rows["wave_id"], rows["team_id"], rows["capability"], strict=True)}


def _plan(source: TagInput) -> _Plan:
    links = [(int(c), int(p)) for c, p in zip(source.links["consumer_id"], source.links["provider_id"], strict=True)]
    kind_of = {int(team): str(kind) for team, kind in source.team_kinds.items()}
    sides = {}
    for kind in PROVIDER_KINDS:
        providers = {p for _, p in links if kind_of.get(p) == kind}
        sides[kind] = (providers, {c for c, p in links if p in providers})
    consumers_of: dict[int, set[int]] = defaultdict(set)
    for consumer, provider in links:
        if kind_of.get(consumer) == "application":
            consumers_of[provider].add(consumer)
    first = sorted({p for _, p in links}, key=lambda team: (kind_of.get(team) == "application", team))
    return _Plan(populations=_populations(source), sides=sides, kind_of=kind_of, first=first, consumers_of=dict(consumers_of))


def _add_cooperation(tally: TagTally, plan: _Plan, source: TagInput, answers: pd.DataFrame, kinds: Mapping[int, str]) -> None:
    chosen = _choices(answers, {p.question.key for p in plan.populations})
    of_kind: dict[str, set[int]] = defaultdict(set)
    for response, kind in kinds.items():
        of_kind[kind].add(response)
    members: dict[tuple[str, str], set[int]] = {}
    for population in plan.populations:
        question, kind = population.question, population.kind
        if population.parent is None:
            group = of_kind[kind]
        else:
            parent = chosen[population.parent]
            group = {r for r in members[(population.parent, kind)] if parent.get(r) in population.chosen_in}
        members[(question.key, kind)] = group
        tally.members[(question.key, kind)] += len(group)
        mine = chosen[question.key]
        tally.options[(question.key, kind)].update(mine[r] for r in group if mine.get(r) in question.options)
    _add_unmet(tally, plan, source, answers, kinds, chosen)


def _add_unmet(
    tally: TagTally,
    plan: _Plan,
    source: TagInput,
    answers: pd.DataFrame,
    kinds: Mapping[int, str],
    chosen: Mapping[str, Mapping[int, str]],
) -> None:
    """Application respondents who need a capability their team cannot get (their team's providers, read
    beforehand, supply the rest)."""
    needs = [q for q in source.questions if q.capability and q.key.endswith(".need")]
    if not needs:
        return
    columns = ["wave_id", "team_id", "capability", "question_key", "value"]
    mine = answers.loc[answers["capability"].notna(), columns].astype(
        {"wave_id": "int64", "team_id": "int64", "capability": object, "question_key": object, "value": object}
    )
    links = source.links[source.links["consumer_id"].isin(mine["team_id"].unique().tolist())]  # the chunk's teams'
    unmet = unmet_needs(pd.concat([mine, plan.provided_frame[columns]], ignore_index=True), links)
    unmet_teams: dict[str, set[int]] = defaultdict(set)
    for team, capability in zip(unmet.get("team_id", []), unmet.get("capability", []), strict=True):
        unmet_teams[str(capability)].add(int(team))
    teams_of = answers.drop_duplicates("response_id").set_index("response_id")["team_id"].to_dict()
    for question in needs:
        needing = [
            r for r, value in chosen.get(question.key, {}).items() if value == "need_yes" and kinds.get(r) == "application"
        ]
        tally.unmet[question.key] += sum(1 for r in needing if int(teams_of[r]) in unmet_teams[question.capability or ""])


def _add_perception(tally: TagTally, plan: _Plan, source: TagInput, own: pd.DataFrame, answers: pd.DataFrame) -> None:
    """Score sums and counts of each side, in hundredths (respondent scores have two decimals: the sums are exact)."""
    guessed = respondent_scores(answers, perspective="consumers")
    for kind, (providers, consumers) in plan.sides.items():
        sides = (
            ("provider_score", own, providers, kind),
            ("consumer_score", own, consumers, "application"),
            ("expected_consumer_score", guessed, providers, kind),
        )
        for measure, frame, teams, team_kind in sides:
            team = frame["team_id"].astype(int)
            rows = frame[team.isin(sorted(teams)) & (team.map(plan.kind_of) == team_kind) & frame["aspect"].isin(ASPECTS)]
            hundredths = (rows["score"].astype(float) * 100).round().astype("int64")
            grouped = hundredths.groupby(rows["aspect"].astype(str)).agg(["sum", "size"])
            for aspect, total, count in grouped.itertuples():
                cell = tally.scores[f"perception/{kind}/{aspect}/{measure}"]
                cell[0] += int(total)
                cell[1] += int(count)


def _add_texts(tally: TagTally, source: TagInput, answers: pd.DataFrame, kinds: Mapping[int, str]) -> None:
    if tally.texts is None:
        return
    texts = answers[(answers["qtype"] == "text") & answers["value"].notna()]
    for question in (q for q in source.questions if q.qtype == "text"):
        rows = texts[texts["question_key"] == question.key]
        for response, value in zip(rows["response_id"], rows["value"], strict=True):
            kind, text = kinds.get(int(response)), str(value).strip()
            if kind is not None and text:
                tally.texts.setdefault((question.key, kind), []).append(text)


def _add_chunk(tally: TagTally, plan: _Plan, source: TagInput, answers: pd.DataFrame) -> None:
    teams = {int(team) for team in answers["team_id"].unique()}
    if teams & tally.teams:
        raise ValueError("The answers must come in team-aligned chunks: a team's answers were split over two chunks.")
    tally.teams |= teams
    kinds = _respondent_kinds(answers, source.team_kinds)
    tally.respondents.update(kinds.values())
    scores = respondent_scores(answers)
    for response, aspect, score in zip(scores["response_id"], scores["aspect"], scores["score"], strict=True):
        kind = kinds.get(int(response))
        if kind is not None and aspect in ASPECTS:
            tally.levels[(aspect, kind)][f"level_{band(float(score))}"] += 1
    _add_cooperation(tally, plan, source, answers, kinds)
    _add_perception(tally, plan, source, scores, answers)
    _add_texts(tally, source, answers, kinds)
    if tally.practices is not None:
        tally.practices.add(answers)
    if tally.digests is not None:
        tally.digests.update(team_digests(answers, scores))


def _count(source: TagInput, plan: _Plan, *, with_text: bool, with_hash: bool) -> TagTally | None:
    """One pass over the wave, providers first; None when a provider's answers came after an application
    team that consumes it had been counted (its unmet needs and practices would miss them)."""
    tally = TagTally(texts={} if with_text else None, digests={} if with_hash else None)
    tally.practices = PracticeTally(given=source.practices, links=source.links, team_kinds=source.team_kinds, offers=plan.offers)
    for chunk in source.read(plan.first):
        if not plan.complete:
            learnt = plan.learn(chunk, source.practices)
            if any(tally.teams & plan.consumers_of.get(team, set()) for team in learnt):
                return None
        _add_chunk(tally, plan, source, chunk)
    tally.practices.finish()
    return tally


def tag_tally(source: TagInput, *, with_text: bool = False, with_hash: bool = False) -> TagTally:
    """Read the wave chunk by chunk (`TagInput.read`) and count; only the counts are kept, and the free texts
    when `with_text` (they are what a release with text publishes), and team digests when `with_hash`.

    Providers are read first, so what an application team's providers supply is known when the team is
    counted. Should a provider come after one of its application consumers anyway (an application team that
    provides to another, in a later chunk), the providers are read on their own first and the wave again."""
    plan = _plan(source)
    tally = _count(source, plan, with_text=with_text, with_hash=with_hash)
    if tally is None:
        plan = _plan(source)
        providers = set(plan.first)
        for chunk in source.read(plan.first):
            plan.learn(chunk, source.practices)
            if not {int(team) for team in chunk["team_id"].unique()} <= providers:
                break  # past the providers: the rest of the wave holds none
        plan.complete = True
        tally = _count(source, plan, with_text=with_text, with_hash=with_hash)
    assert tally is not None
    return tally


def tally_inputs_hash(tally: TagTally, source: TagInput, *, key: bytes) -> str:
    """The release's inputs hash (`reports.export.release.inputs_hash`) from a tally counted `with_hash`."""
    if tally.digests is None:
        raise ValueError("The tally was counted without its team digests.")
    return digests_hash(tally.digests, team_kinds=source.team_kinds, links=source.links, key=key)


def _figures(source: TagInput, tally: TagTally) -> _Counts:
    """Every count the export may publish, exact, with the relations between them (before suppression)."""
    data = _Counts()
    for kind in KINDS:
        data.counts[("respondents", kind)] = tally.respondents.get(kind, 0)
    data.counts[("respondents", ALL)] = tally.respondent_count
    data.relations.append(Relation(("respondents", ALL), tuple(("respondents", kind) for kind in KINDS)))
    for aspect in ASPECTS:
        for kind in KINDS:
            cells = {category: tally.levels[(aspect, kind)].get(category, 0) for category in LEVEL_CATEGORIES[:-1]}
            cells[NO_ANSWER] = data.counts[("respondents", kind)] - sum(cells.values())
            data.table("level_distribution", aspect, kind, ("respondents", kind), cells, ("level", aspect, kind))
        overall = {
            category: sum(data.counts[("level", aspect, kind, category)] for kind in KINDS) for category in LEVEL_CATEGORIES
        }
        data.table("level_distribution", aspect, ALL, ("respondents", ALL), overall, ("level", aspect, ALL))
        for category in LEVEL_CATEGORIES:
            parts = tuple(("level", aspect, kind, category) for kind in KINDS)
            data.relations.append(Relation(("level", aspect, ALL, category), parts))
    for population in _populations(source):
        question, kind = population.question, population.kind
        if population.shown:
            data.counts[population.total] = tally.members[(question.key, kind)]
            parts = tuple(("q", population.parent, kind, value) for value in population.chosen_in)
            data.relations.append(Relation(population.total, parts))
        answered = tally.options[(question.key, kind)]
        cells = {option: answered.get(option, 0) for option in question.options}
        cells[NO_ANSWER] = tally.members[(question.key, kind)] - sum(cells.values())
        part = question.key.rsplit(".", 1)[-1]
        data.table(f"cooperation.{part}", question.capability or "", kind, population.total, cells, ("q", question.key, kind))
    for question in source.questions:
        need_key = ("q", question.key, "application", "need_yes")
        if not question.capability or not question.key.endswith(".need") or need_key not in data.counts:
            continue
        without = tally.unmet[question.key]
        unmet_key, met_key = ("unmet", question.capability), ("met", question.capability)
        data.counts[unmet_key], data.counts[met_key] = without, data.counts[need_key] - without
        data.hidden.add(met_key)
        data.relations.append(Relation(need_key, (unmet_key, met_key)))
        data.tables.append(_Table("cooperation.unmet", question.capability, "application", need_key, [("unmet", unmet_key)]))
    if tally.practices is not None:
        counts, relations, hidden = tally.practices.figures()
        data.counts.update(counts)
        data.relations.extend(relations)
        data.hidden.update(hidden)
    return data


def _round1(value: Fraction) -> float:
    """One decimal, halves rounding up, as the scores' own two-decimal rounding does (exact: no float error)."""
    return math.floor(value * 10 + Fraction(1, 2)) / 10


def _gap(one: Fraction | None, other: Fraction | None) -> float | None:
    return _round1(one - other) if one is not None and other is not None else None


def _shown(mean: Fraction | None) -> float | None:
    return _round1(mean) if mean is not None else None


def _perception(source: TagInput, tally: TagTally, k: int, cells: dict[str, tuple[int, bool]]) -> list[dict[str, Any]]:
    """Per provider kind and aspect: providers' own view, their consumers' view, and providers' guess of it.

    Each of the three means is a cell of `cells`, with the respondents it rests on; means are exact fractions
    of the hundredths summed, so chunking never moves a published decimal."""
    rows = []
    for kind in PROVIDER_KINDS:
        for aspect in ASPECTS:
            means: dict[str, Fraction | None] = {}
            for measure in ("provider_score", "consumer_score", "expected_consumer_score"):
                name = f"perception/{kind}/{aspect}/{measure}"
                total, count = tally.scores.get(name, (0, 0))
                cells[name] = (count, count >= k)
                means[measure] = Fraction(total, 100 * count) if count >= k else None
            provider, consumer, expected = means["provider_score"], means["consumer_score"], means["expected_consumer_score"]
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
    source: TagInput, tally: TagTally, k: int, cells: dict[str, tuple[int, bool]]
) -> tuple[list[dict[str, Any]], ScrubCounts]:
    """Groups of k or more texts per question and team kind, scrubbed, each sorted after scrubbing."""
    if tally.texts is None:
        raise ValueError("Free text is released only from a tally counted with its texts.")
    groups: list[tuple[str, str, list[str]]] = []
    for question in (q for q in source.questions if q.qtype == "text"):
        for kind in KINDS:
            written = sorted(tally.texts.get((question.key, kind), []))
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


def tag_counts(source: TagInput) -> _Counts:
    """Every count the export may publish, exact, with the relations between them (before suppression)."""
    return _figures(source, tag_tally(source))


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
    tally: TagTally | None = None,
) -> TagDocument:
    """The document with its cells; `release` None makes a draft (its `release` field is null). `tally`: the
    wave already counted (`tag_tally`, with its texts when `release_text`), else it is counted here."""
    if k < 1:
        raise ValueError("k must be at least 1.")
    tally = tag_tally(source, with_text=release_text) if tally is None else tally
    data = _figures(source, tally)
    result = suppress(data.counts, data.relations, k=k, hidden=data.hidden, rounding=rounding)
    levels = [_render_table(t, result, "aspect") for t in data.tables if t.section == "level_distribution"]
    cooperation = [
        {"measure": t.section.split(".", 1)[1], **_render_table(t, result, "capability")}
        for t in data.tables
        if t.section.startswith("cooperation.")
    ]
    cells = {_cell_name(key): (int(value), key in result.published) for key, value in data.counts.items()}
    perception = _perception(source, tally, k, cells)
    free_text, scrubbed = _free_text(source, tally, k, cells) if release_text else (None, None)
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
