"""Evidence rules: a versioned data file of signal conditions, evaluated by pure code into evidence items.

A rule fires only on signals that exist. A missing signal means "unknown" and never produces evidence,
least of all contradicting evidence. That a file type is absent is evidence only in a rule that says so (an
`absent` condition and the rule's `absence` entry, with its reason and the coverage the scan must have had).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid, duplicates, parse_data_text, problem, read_data_file
from assessor.maturity import ASPECT_KEYS
from collectors.conf import DATA

ASPECTS = ASPECT_KEYS  # the bundled maturity model's aspects
DIRECTIONS = ("supports", "contradicts")
TEAM_KINDS = ("application", "platform", "infrastructure")
OPERATORS = ("gte", "gt", "lte", "lt", "equals", "present", "absent")
FILE_SIGNALS = "files."
SCHEMA_FILE = DATA / "evidence_rules" / "evidence-rules.schema.json"


class RulesFileError(DataFileInvalid):
    """The rules file is malformed; the message names the file, the place and the problem."""


@dataclass(frozen=True)
class Condition:
    signal: str
    operator: str
    operand: Any
    match: str = "any"  # "any": some signal of this key passes; "all": every one does (and there is one)
    platform_repo: bool | None = None  # only signals from (non-)platform repositories, when set


@dataclass(frozen=True)
class Absence:
    """Why a rule may read the absence of files, and what the scan must have covered for it to count:
    `scanned_repositories` (every scanned repository of the team read whole) or `every_repository` (and every
    repository registered to the team among them)."""

    covers: str
    reason: str


@dataclass(frozen=True)
class Rule:
    key: str
    aspect: str
    level: int
    direction: str
    weight: float
    explanation: str
    when: tuple[Condition, ...]
    any_of: tuple[Condition, ...] = ()
    team_kinds: tuple[str, ...] = TEAM_KINDS
    absence: Absence | None = None


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class SignalFact:
    """The latest value of one signal for a team, as rules see it."""

    id: int
    team_id: int
    key: str
    value: Any
    observed_at: datetime
    platform_repo: bool | None = None
    read_whole: bool = True  # False: counted from part of a source, so the value is at least this
    repository_id: int | None = None  # the repository the signal was observed in, when it came from one


@dataclass(frozen=True)
class EvidenceItem:
    team_id: int
    aspect: str
    level: int
    direction: str
    weight: float
    rule_key: str
    rules_version: str
    explanation: str
    observed_at: datetime
    signal_ids: tuple[int, ...]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def passes(condition: Condition, value: Any) -> bool:
    operator, operand = condition.operator, condition.operand
    if operator == "present":
        return value is not None
    if operator == "absent":  # a count of zero; a boolean is not a count
        return _is_number(value) and value == 0
    if operator == "equals":
        if isinstance(operand, bool) or isinstance(value, bool):
            return value is operand
        return bool(value == operand)
    if not _is_number(value):
        return False
    if operator == "gte":
        return bool(value >= operand)
    if operator == "gt":
        return bool(value > operand)
    if operator == "lte":
        return bool(value <= operand)
    return bool(value < operand)


def _reads_absence(condition: Condition) -> bool:
    """Whether a larger value could break the condition (at most, below, exactly, false): then a value counted
    from part of a source proves nothing, as the part not read may hold what the condition says is absent."""
    return condition.operator in ("lt", "lte", "absent") or (condition.operator == "equals" and condition.operand is not True)


def _matching(condition: Condition, facts: Sequence[SignalFact]) -> list[SignalFact] | None:
    """The facts that make the condition hold, or None when it does not (or is unknown)."""
    candidates = [f for f in facts if condition.platform_repo is None or f.platform_repo is condition.platform_repo]
    if _reads_absence(condition):
        if condition.match == "all" and not all(f.read_whole for f in candidates):
            return None  # one of them is unknown, so "all" is unknown
        candidates = [f for f in candidates if f.read_whole]
    if not candidates:
        return None
    passing = [f for f in candidates if passes(condition, f.value)]
    if condition.match == "all":
        return candidates if len(passing) == len(candidates) else None
    return passing or None


def _format_value(value: Any) -> str:
    if isinstance(value, bool) or not _is_number(value):
        return str(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _explain(template: str, first: SignalFact) -> str:
    value = first.value
    percent = str(round(value * 100)) if _is_number(value) else "?"
    return template.replace("{value}", _format_value(value)).replace("{percent}", percent)


def _covered(rule: Rule, by_key: Mapping[str, Sequence[SignalFact]], repositories: frozenset[int] | None) -> bool:
    """Whether the scan covered what the rule's absence needs: for `every_repository`, each repository registered
    to the team gave every signal whose absence the rule reads, counted whole (unknown when the repositories are)."""
    if rule.absence is None or rule.absence.covers != "every_repository":
        return True
    if repositories is None:
        return False
    for condition in (*rule.when, *rule.any_of):
        if condition.operator == "absent":
            seen = {f.repository_id for f in by_key.get(condition.signal, ()) if f.read_whole}
            if not repositories <= seen:
                return False
    return True


def evaluate_team(
    rules: RuleSet,
    facts: Sequence[SignalFact],
    *,
    team_id: int,
    team_kind: str,
    repositories: frozenset[int] | None = None,
) -> list[EvidenceItem]:
    """The evidence the rules give for one team. `repositories` are the ids of the team's registered repositories,
    which a rule whose absence covers `every_repository` needs (without them it stays silent)."""
    by_key: dict[str, list[SignalFact]] = defaultdict(list)
    for fact in facts:
        by_key[fact.key].append(fact)
    items = []
    for rule in rules.rules:
        if team_kind not in rule.team_kinds or not _covered(rule, by_key, repositories):
            continue
        matched: list[SignalFact] = []
        first: SignalFact | None = None
        for condition in rule.when:
            found = _matching(condition, by_key.get(condition.signal, ()))
            if found is None:
                break
            first = first or found[0]
            matched.extend(found)
        else:
            if rule.any_of:
                alternatives = [f for c in rule.any_of for f in (_matching(c, by_key.get(c.signal, ())) or [])]
                if not alternatives:
                    continue
                first = first or alternatives[0]
                matched.extend(alternatives)
            if first is None:
                continue
            items.append(
                EvidenceItem(
                    team_id=team_id,
                    aspect=rule.aspect,
                    level=rule.level,
                    direction=rule.direction,
                    weight=rule.weight,
                    rule_key=rule.key,
                    rules_version=rules.version,
                    explanation=_explain(rule.explanation, first),
                    observed_at=max(f.observed_at for f in matched),
                    signal_ids=tuple(sorted({f.id for f in matched})),
                )
            )
    return items


def evaluate(
    rules: RuleSet,
    facts: Iterable[SignalFact],
    team_kinds: Mapping[int, str],
    repositories: Mapping[int, frozenset[int]] | None = None,
) -> list[EvidenceItem]:
    """Evidence for every team in `team_kinds`, from the latest signals of those teams; `repositories` maps each
    team to its registered repositories (see evaluate_team)."""
    by_team: dict[int, list[SignalFact]] = defaultdict(list)
    for fact in facts:
        by_team[fact.team_id].append(fact)
    return [
        item
        for team_id, kind in sorted(team_kinds.items())
        for item in evaluate_team(
            rules,
            by_team.get(team_id, []),
            team_id=team_id,
            team_kind=kind,
            repositories=None if repositories is None else repositories.get(team_id, frozenset()),
        )
    ]


def _condition(data: dict[str, Any]) -> Condition:
    operator = next(op for op in OPERATORS if op in data)
    match = "all" if operator == "absent" else data.get("match", "any")  # absent means absent from every one
    return Condition(data["signal"], operator, data[operator], match, data.get("platform_repo"))


def _rule(data: dict[str, Any]) -> Rule:
    return Rule(
        key=data["key"],
        aspect=data["aspect"],
        level=data["level"],
        direction=data["direction"],
        weight=float(data.get("weight", 1.0)),
        explanation=" ".join(data["explanation"].split()),
        when=tuple(_condition(c) for c in data.get("when", ())),
        any_of=tuple(_condition(c) for c in data.get("any_of", ())),
        team_kinds=tuple(data.get("team_kinds", TEAM_KINDS)),
        absence=Absence(data["absence"]["covers"], " ".join(data["absence"]["reason"].split())) if "absence" in data else None,
    )


def _reads_file_absence(condition: dict[str, Any]) -> bool:
    """A comparison that holds for a count of zero files: only an `absent` condition may say that."""
    if not condition["signal"].startswith(FILE_SIGNALS):
        return False
    if "equals" in condition:
        return condition["equals"] in (0, False) and condition["equals"] is not True
    return ("lt" in condition and condition["lt"] > 0) or ("lte" in condition and condition["lte"] >= 0)


def _absence_problems(index: int, rule: dict[str, Any]) -> list[str]:
    found = []
    absent = False
    for section in ("when", "any_of"):
        for position, condition in enumerate(rule.get(section, ())):
            absent |= "absent" in condition
            if _reads_file_absence(condition):
                found.append(
                    problem(
                        ("rules", index, section, position),
                        f"reads the absence of {condition['signal']}: say so with `absent: true` and the rule's `absence` entry",
                    )
                )
    if absent and "absence" not in rule:
        found.append(problem(("rules", index), "has an `absent` condition, so it needs an `absence` entry (covers, reason)"))
    if "absence" in rule and not absent:
        found.append(problem(("rules", index, "absence"), "the rule has no `absent` condition for it to be about"))
    return found


def _rule_set(data: dict[str, Any], source: str | Path) -> RuleSet:
    """The rules of a document that satisfies the schema, once keys are unique and aspects are the model's."""
    problems = [
        problem(("rules", index, "aspect"), f"{rule['aspect']!r} is not an aspect of the maturity model ({', '.join(ASPECTS)})")
        for index, rule in enumerate(data["rules"])
        if rule["aspect"] not in ASPECTS
    ]
    problems += [p for index, rule in enumerate(data["rules"]) for p in _absence_problems(index, rule)]
    keys = [rule["key"] for rule in data["rules"]]
    repeated = duplicates(keys)
    if repeated:
        problems.append(problem(("rules",), f"rule keys must be unique; repeated: {', '.join(repeated)}"))
    if problems:
        raise RulesFileError(*problems, source=source)
    return RuleSet(version=data["version"].strip(), rules=tuple(_rule(rule) for rule in data["rules"]))


def parse_rules(text: str, *, source: str | Path = "evidence rules") -> RuleSet:
    """Rules from YAML (or JSON) text, checked against evidence-rules.schema.json."""
    return _rule_set(parse_data_text(text, SCHEMA_FILE, source=source, error=RulesFileError), source)


@cache
def load_rules(path: Path) -> RuleSet:
    return _rule_set(read_data_file(path, SCHEMA_FILE, error=RulesFileError), path)
