"""A signal counted from part of its source (`read_whole` false) is a lower bound: rules may read it as presence,
never as absence."""

from datetime import UTC, datetime

from collectors.rules import RuleSet, SignalFact, evaluate, parse_rules

NOW = datetime(2026, 11, 20, tzinfo=UTC)
RULES = parse_rules(
    """
version: "t"
rules:
  - {key: some, aspect: operations, level: 2, direction: supports, explanation: x, when: [{signal: k8s.autoscalers, gte: 1}]}
  - {key: none, aspect: operations, level: 2, direction: contradicts, explanation: x, when: [{signal: k8s.autoscalers, lt: 1}]}
  - {key: low-all, aspect: adoption, level: 2, direction: contradicts, explanation: x,
     when: [{signal: k8s.gitops_share, lte: 0.2, match: all}]}
  - {key: absent, aspect: operations, level: 3, direction: contradicts, explanation: x,
     when: [{signal: cluster.capability.kyverno, equals: false}]}
"""
)


def fired(rules: RuleSet, *facts: SignalFact) -> set[str]:
    return {item.rule_key for item in evaluate(rules, facts, {1: "platform"})}


def fact(id_: int, key: str, value, *, whole: bool = True) -> SignalFact:
    return SignalFact(id_, 1, key, value, NOW, read_whole=whole)


def test_a_partial_count_still_shows_presence():
    assert fired(RULES, fact(1, "k8s.autoscalers", 3, whole=False)) == {"some"}


def test_a_partial_zero_or_false_is_unknown_not_absence():
    assert fired(RULES, fact(1, "k8s.autoscalers", 0, whole=False)) == set()
    assert fired(RULES, fact(1, "cluster.capability.kyverno", False, whole=False)) == set()
    assert fired(RULES, fact(1, "k8s.autoscalers", 0), fact(2, "cluster.capability.kyverno", False)) == {"none", "absent"}


def test_match_all_is_unknown_when_one_of_the_values_was_read_in_part():
    assert fired(RULES, fact(1, "k8s.gitops_share", 0.1), fact(2, "k8s.gitops_share", 0.0)) == {"low-all"}
    assert fired(RULES, fact(1, "k8s.gitops_share", 0.1), fact(2, "k8s.gitops_share", 0.0, whole=False)) == set()
