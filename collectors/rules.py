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

from assessor.maturity import ASPECT_KEYS
from assessor.yamlsafe import YAMLInputError, load_yaml

ASPECTS = ASPECT_KEYS  # the bundled maturity model's aspects
DIRECTIONS = ("supports", "contradicts")
TEAM_KINDS = ("application", "platform", "infrastructure")
OPERATORS = ("gte", "gt", "lte", "lt", "equals", "present")


class RulesFileError(ValueError):
    """The rules file is malformed; the message names the rule and the problem."""


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


def _matching(condition: Condition, facts: Sequence[SignalFact]) -> list[SignalFact] | None:
    """The facts that make the condition hold, or None when it does not (or is unknown)."""
    candidates = [f for f in facts if condition.platform_repo is None or f.platform_repo is condition.platform_repo]
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


def _condition(data: Any, where: str) -> Condition:
    if not isinstance(data, dict) or not isinstance(data.get("signal"), str):
        raise RulesFileError(f"{where}: each condition needs a 'signal' name.")
    operators = [op for op in OPERATORS if op in data]
    if len(operators) != 1:
        raise RulesFileError(f"{where}: give exactly one of {', '.join(OPERATORS)}.")
    operator = operators[0]
    operand = data[operator]
    if operator in ("gte", "gt", "lte", "lt") and not _is_number(operand):
        raise RulesFileError(f"{where}: '{operator}' needs a number.")
    match = data.get("match", "any")
    if match not in ("any", "all"):
        raise RulesFileError(f"{where}: 'match' is 'any' or 'all'.")
    platform_repo = data.get("platform_repo")
    if platform_repo is not None and not isinstance(platform_repo, bool):
        raise RulesFileError(f"{where}: 'platform_repo' is true or false.")
    unknown = set(data) - {"signal", operator, "match", "platform_repo"}
    if unknown:
        raise RulesFileError(f"{where}: unknown fields {sorted(unknown)}.")
    return Condition(data["signal"], operator, operand, match, platform_repo)


def _rule(data: Any, index: int) -> Rule:
    key = data.get("key") if isinstance(data, dict) else None
    where = f"rule {key or index + 1}"
    if not isinstance(key, str) or not key:
        raise RulesFileError(f"{where}: needs a 'key'.")
    if data.get("aspect") not in ASPECTS:
        raise RulesFileError(f"{where}: 'aspect' must be one of {', '.join(ASPECTS)}.")
    if data.get("level") not in (1, 2, 3, 4):
        raise RulesFileError(f"{where}: 'level' must be 1, 2, 3 or 4.")
    if data.get("direction") not in DIRECTIONS:
        raise RulesFileError(f"{where}: 'direction' must be supports or contradicts.")
    weight = data.get("weight", 1.0)
    if not _is_number(weight) or weight <= 0:
        raise RulesFileError(f"{where}: 'weight' must be a number above 0.")
    explanation = data.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip():
        raise RulesFileError(f"{where}: needs an 'explanation'.")
    when = data.get("when") or []
    any_of = data.get("any_of") or []
    if not isinstance(when, list) or not isinstance(any_of, list) or not (when or any_of):
        raise RulesFileError(f"{where}: needs 'when' and/or 'any_of' lists of conditions.")
    kinds = tuple(data.get("team_kinds") or TEAM_KINDS)
    if not set(kinds) <= set(TEAM_KINDS):
        raise RulesFileError(f"{where}: 'team_kinds' may only name {', '.join(TEAM_KINDS)}.")
    return Rule(
        key=key,
        aspect=data["aspect"],
        level=data["level"],
        direction=data["direction"],
        weight=float(weight),
        explanation=" ".join(explanation.split()),
        when=tuple(_condition(c, where) for c in when),
        any_of=tuple(_condition(c, where) for c in any_of),
        team_kinds=kinds,
    )


def parse_rules(text: str) -> RuleSet:
    try:
        data = load_yaml(text)
    except YAMLInputError as exc:
        raise RulesFileError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("version"), str) or not data["version"].strip():
        raise RulesFileError("The rules file needs a 'version' string.")
    if not isinstance(data.get("rules"), list) or not data["rules"]:
        raise RulesFileError("The rules file needs a non-empty 'rules' list.")
    rules = tuple(_rule(entry, index) for index, entry in enumerate(data["rules"]))
    keys = [rule.key for rule in rules]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise RulesFileError(f"Rule keys must be unique; repeated: {', '.join(duplicates)}.")
    return RuleSet(version=data["version"].strip(), rules=rules)


@cache
def load_rules(path: Path) -> RuleSet:
    return parse_rules(path.read_text(encoding="utf-8"))
