"""Evidence rules: the bundled file is valid and complete, and evaluation is pure and treats missing as unknown."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from collectors import conf
from collectors.cluster import load_catalog
from collectors.detect import load_detectors
from collectors.rules import ASPECTS, RulesFileError, SignalFact, evaluate, evaluate_team, load_rules, parse_rules

NOW = datetime(2026, 11, 20, tzinfo=UTC)
OTHER_KEYS = {
    "ownership.codeowners_team",
    "catalog.owner_declared",
    "github.survey_issues",
    *(f"history.{k}" for k in ("commits_90d", "authors_90d", "days_since_last_commit", "active_weeks_share", "top_author_share")),
    *(f"history.{k}" for k in ("outside_share", "revert_share_90d", "ci_staleness_days", "tags_180d")),
    *(f"delivery.{k}" for k in ("metrics_available", "change_failure_rate", "time_to_restore_hours", "deploys_per_week")),
    *(f"coop.{k}" for k in ("consumer_pr_share", "consumer_issues_180d")),
    *(f"k8s.{k}" for k in ("workloads", "gitops_share", "injection_share", "backstage_share", "resources_share")),
    *(f"k8s.{k}" for k in ("network_policies", "autoscalers", "claims", "managed_share")),
    *(f"k8s.pipelines.{tool}" for tool in ("tekton", "argo_workflows")),
    "cluster.platform_apis",
    "cluster.olm_operators",
    *(f"ci.{k}" for k in ("standard_pipeline", "provisioning_minutes", "change_failure_rate", "time_to_restore_hours")),
    *(f"ci.{k}" for k in ("deploys_per_week", "lead_time_hours", "slo_defined")),
}


def fact(key, value, *, team_id=1, platform_repo=None, signal_id=None, days_ago=0):
    return SignalFact(
        signal_id or hash((key, str(value))) % 10_000, team_id, key, value, NOW - timedelta(days=days_ago), platform_repo
    )


RULES = parse_rules(
    """
version: "test-1"
rules:
  - key: gitops-iac
    aspect: operations
    level: 3
    direction: supports
    weight: 1.5
    when: [{signal: files.gitops, gte: 1}, {signal: files.iac, gte: 1}]
    explanation: GitOps and IaC ({value} GitOps files).
  - key: no-iac
    aspect: operations
    level: 2
    direction: contradicts
    weight: 0.5
    team_kinds: [platform]
    when: [{signal: files.iac, absent: true}]
    absence: {covers: scanned_repositories, reason: Every scanned repository was read whole.}
    explanation: No infrastructure code.
  - key: outside
    aspect: adoption
    level: 4
    direction: supports
    when: [{signal: history.outside_share, gte: 0.2, platform_repo: true}]
    explanation: "{percent}% from outside."
  - key: injected
    aspect: interfaces
    level: 4
    direction: supports
    any_of: [{signal: k8s.injection_share, gte: 0.5}, {signal: files.injection, gte: 1}]
    explanation: Injected.
"""
)


def test_the_bundled_rules_cover_every_aspect_at_several_levels():
    rules = load_rules(conf.rules_file())
    assert rules.version
    for aspect in ASPECTS:
        levels = {r.level for r in rules.rules if r.aspect == aspect}
        assert len(levels) >= 2, aspect
        assert any(r.direction == "supports" for r in rules.rules if r.aspect == aspect)
    assert any(r.direction == "contradicts" for r in rules.rules)


def test_the_bundled_rules_only_read_signals_that_collectors_produce():
    detectors = load_detectors()
    known = {f"files.{c}" for c in detectors.categories} | OTHER_KEYS | {t.signal_key for t in detectors.tools.values()}
    known |= {f"cluster.capability.{c.name}" for c in load_catalog().capabilities}
    for rule in load_rules(conf.rules_file()).rules:
        for condition in (*rule.when, *rule.any_of):
            assert condition.signal in known, (rule.key, condition.signal)


def test_it_fires_when_all_conditions_hold_and_cites_the_signals():
    facts = [fact("files.gitops", 2, signal_id=1, days_ago=3), fact("files.iac", 4, signal_id=2, days_ago=1)]
    (item,) = evaluate_team(RULES, facts, team_id=1, team_kind="application")
    assert (item.rule_key, item.aspect, item.level, item.direction, item.weight) == (
        "gitops-iac",
        "operations",
        3,
        "supports",
        1.5,
    )
    assert item.signal_ids == (1, 2)
    assert item.observed_at == NOW - timedelta(days=1)
    assert item.explanation == "GitOps and IaC (2 GitOps files)."
    assert item.rules_version == "test-1"


def test_a_missing_signal_is_unknown_and_never_contradicts():
    assert evaluate_team(RULES, [fact("files.gitops", 1)], team_id=1, team_kind="platform") == []
    assert evaluate_team(RULES, [], team_id=1, team_kind="platform") == []


def test_match_all_needs_every_signal_of_the_key_to_pass():
    one_has_iac = [fact("files.iac", 0, signal_id=1), fact("files.iac", 3, signal_id=2)]
    none_has_iac = [fact("files.iac", 0, signal_id=1), fact("files.iac", 0, signal_id=2)]
    assert [i.rule_key for i in evaluate_team(RULES, one_has_iac, team_id=1, team_kind="platform")] == []
    assert [i.rule_key for i in evaluate_team(RULES, none_has_iac, team_id=1, team_kind="platform")] == ["no-iac"]
    assert evaluate_team(RULES, none_has_iac, team_id=1, team_kind="application") == []


def test_platform_repo_conditions_look_only_at_platform_repositories():
    app_repo = [fact("history.outside_share", 0.5, platform_repo=False)]
    platform_repo = [fact("history.outside_share", 0.25, platform_repo=True)]
    assert evaluate_team(RULES, app_repo, team_id=1, team_kind="platform") == []
    (item,) = evaluate_team(RULES, platform_repo, team_id=1, team_kind="platform")
    assert item.explanation == "25% from outside."


def test_any_of_needs_one_alternative():
    assert [i.rule_key for i in evaluate_team(RULES, [fact("files.injection", 1)], team_id=1, team_kind="application")] == [
        "injected"
    ]
    assert evaluate_team(RULES, [fact("k8s.injection_share", 0.1)], team_id=1, team_kind="application") == []


def test_booleans_are_not_numbers():
    rules = parse_rules(
        "version: v\nrules:\n- {key: k, aspect: measurement, level: 2, direction: supports, explanation: e,"
        " when: [{signal: a, gte: 1}, {signal: b, equals: true}]}\n"
    )
    assert evaluate_team(rules, [fact("a", True), fact("b", True)], team_id=1, team_kind="platform") == []
    assert evaluate_team(rules, [fact("a", 1), fact("b", 1)], team_id=1, team_kind="platform") == []
    assert len(evaluate_team(rules, [fact("a", 1), fact("b", True)], team_id=1, team_kind="platform")) == 1


def test_it_evaluates_every_team_separately():
    facts = [fact("files.injection", 1, team_id=1), fact("files.injection", 0, team_id=2)]
    items = evaluate(RULES, facts, {1: "application", 2: "application", 3: "platform"})
    assert [(i.team_id, i.rule_key) for i in items] == [(1, "injected")]


def rules_text(**changes):
    rule = {"key": "a", "aspect": "adoption", "level": 1, "direction": "supports", "explanation": "e"}
    rule["when"] = [{"signal": "s", "gte": 1}]
    rule.update(changes)
    return json.dumps({"version": "v", "rules": [{k: v for k, v in rule.items() if v is not None}]})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: []", "version"),
        ("version: v\nrules: []", "rules: must not be empty"),
        (rules_text(aspect="fun"), r"rules\[0\]\.aspect: 'fun' is not an aspect of the maturity model"),
        (rules_text(level=5), r"rules\[0\]\.level: 5 is greater than the maximum of 4"),
        (rules_text(direction="maybe"), r"rules\[0\]\.direction: 'maybe' is not one of"),
        (rules_text(weight=0), r"rules\[0\]\.weight: 0 is less than or equal to the minimum of 0"),
        (rules_text(when=[{"signal": "s", "gte": "x"}]), r"rules\[0\]\.when\[0\]\.gte: 'x' is not of type 'number'"),
        (rules_text(when=[{"signal": "s"}]), r"rules\[0\]\.when\[0\]: give exactly one of"),
        (rules_text(when=None), r"rules\[0\]: needs 'when' and/or 'any_of' lists of conditions"),
        (rules_text(team_kinds=["aliens"]), r"rules\[0\]\.team_kinds\[0\]: 'aliens' is not one of"),
        ("version: &v v\nrules: *v", "aliases"),
    ],
)
def test_it_rejects_malformed_rules_with_a_message(text, message):
    with pytest.raises(RulesFileError, match=message):
        parse_rules(text)


def test_it_rejects_duplicate_rule_keys():
    rule = json.loads(rules_text())["rules"][0]
    with pytest.raises(RulesFileError, match="unique"):
        parse_rules(json.dumps({"version": "v", "rules": [rule, rule]}))
