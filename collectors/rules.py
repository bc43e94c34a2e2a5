"""Evidence rules: a versioned data file of signal conditions, evaluated by pure code into evidence items.

A rule fires only on signals that exist. A missing signal means "unknown" and never produces evidence,
least of all contradicting evidence.
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
OPERATORS = ("gte", "gt", "lte", "lt", "equals", "present")
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
    return condition.operator in ("lt", "lte") or (condition.operator == "equals" and condition.operand is not True)


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


def evaluate_team(rules: RuleSet, facts: Sequence[SignalFact], *, team_id: int, team_kind: str) -> list[EvidenceItem]:
    by_key: dict[str, list[SignalFact]] = defaultdict(list)
    for fact in facts:
        by_key[fact.key].append(fact)
    items = []
    for rule in rules.rules:
        if team_kind not in rule.team_kinds:
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


def evaluate(rules: RuleSet, facts: Iterable[SignalFact], team_kinds: Mapping[int, str]) -> list[EvidenceItem]:
    """Evidence for every team in `team_kinds`, from the latest signals of those teams."""
    by_team: dict[int, list[SignalFact]] = defaultdict(list)
    for fact in facts:
        by_team[fact.team_id].append(fact)
    return [
        item
        for team_id, kind in sorted(team_kinds.items())
        for item in evaluate_team(rules, by_team.get(team_id, []), team_id=team_id, team_kind=kind)
    ]


def _condition(data: dict[str, Any]) -> Condition:
    operator = next(op for op in OPERATORS if op in data)
    return Condition(data["signal"], operator, data[operator], data.get("match", "any"), data.get("platform_repo"))


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
    )


def _rule_set(data: dict[str, Any], source: str | Path) -> RuleSet:
    """The rules of a document that satisfies the schema, once keys are unique and aspects are the model's."""
    problems = [
        problem(("rules", index, "aspect"), f"{rule['aspect']!r} is not an aspect of the maturity model ({', '.join(ASPECTS)})")
        for index, rule in enumerate(data["rules"])
        if rule["aspect"] not in ASPECTS
    ]
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
