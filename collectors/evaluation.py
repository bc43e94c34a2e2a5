"""Applying the evidence rules to teams' latest signals and storing the result as each team's current evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from assessor.models import Repository, Team
from collectors import conf
from collectors.models import CollectionRun, Evaluation, Evidence, Signal
from collectors.rules import EvidenceItem, RuleSet, SignalFact, evaluate, load_rules
from collectors.selectors import current_evidence_rows, signal_facts


def _signature(
    rows: Iterable[tuple[str, str, int, str, float, str, str]],
) -> frozenset[tuple[str, str, int, str, float, str, str]]:
    return frozenset(rows)


def _item_row(item: EvidenceItem) -> tuple[str, str, int, str, float, str, str]:
    return (item.rule_key, item.aspect, item.level, item.direction, item.weight, item.explanation, item.rules_version)


def _with_partial_reads(facts: list[SignalFact], team_ids: list[int]) -> list[SignalFact]:
    """The facts, marked where their signal was counted from part of its source (`detail["read_whole"]` False)."""
    rows = Signal.objects.filter(team_id__in=team_ids, detail__read_whole=False).values_list("id", flat=True)
    partial = set(rows)
    return [replace(f, read_whole=False) if f.id in partial else f for f in facts]


def _repositories(team_ids: list[int]) -> dict[int, frozenset[int]]:
    """Each team's registered repositories, which rules reading the absence of files in all of them need."""
    found: dict[int, set[int]] = {team_id: set() for team_id in team_ids}
    for team_id, repository_id in Repository.objects.filter(team_id__in=team_ids).values_list("team_id", "id"):
        found[team_id].add(repository_id)
    return {team_id: frozenset(ids) for team_id, ids in found.items()}


@transaction.atomic
def evidence_evaluate(
    *,
    team_ids: Iterable[int],
    run: CollectionRun | None = None,
    now: datetime | None = None,
    rules: RuleSet | None = None,
) -> list[int]:
    """Evaluate the rules for these teams and store a new evaluation each; return the teams whose evidence changed."""
    rules = rules or load_rules(conf.rules_file())
    now = now or timezone.now()
    kinds = dict(Team.objects.filter(id__in=set(team_ids)).values_list("id", "kind"))
    if not kinds:
        return []
    facts = _with_partial_reads(signal_facts(team_ids=list(kinds)), list(kinds))
    items = evaluate(rules, facts, kinds, _repositories(list(kinds)))

    before: dict[int, set[tuple[str, str, int, str, float, str, str]]] = defaultdict(set)
    evaluated_before = set()
    for row in current_evidence_rows(team_ids=list(kinds)):
        evaluated_before.add(row["team_id"])
        before[row["team_id"]].add(
            (
                row["rule_key"],
                row["aspect"],
                row["level"],
                row["direction"],
                row["weight"],
                row["explanation"],
                row["rules_version"],
            )
        )

    after: dict[int, list[EvidenceItem]] = defaultdict(list)
    for item in items:
        after[item.team_id].append(item)
    signal_counts: dict[int, int] = defaultdict(int)
    for fact in facts:
        signal_counts[fact.team_id] += 1

    changed = [
        team_id
        for team_id in sorted(kinds)
        if _signature(_item_row(i) for i in after[team_id]) != _signature(before[team_id])
        or (team_id not in evaluated_before and after[team_id])
    ]
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                team_id=team_id,
                rules_version=rules.version,
                evaluated_at=now,
                run=run,
                signal_count=signal_counts[team_id],
                changed=team_id in changed,
            )
            for team_id in sorted(kinds)
        ]
    )
    by_team = {evaluation.team_id: evaluation for evaluation in evaluations}
    evidence = Evidence.objects.bulk_create(
        [
            Evidence(
                evaluation=by_team[item.team_id],
                team_id=item.team_id,
                aspect=item.aspect,
                level=item.level,
                direction=item.direction,
                weight=item.weight,
                rule_key=item.rule_key,
                rules_version=item.rules_version,
                explanation=item.explanation,
                observed_at=item.observed_at,
            )
            for item in items
        ]
    )
    links = Evidence.signals.through
    links.objects.bulk_create(
        [
            links(evidence_id=row.pk, signal_id=signal_id)
            for row, item in zip(evidence, items, strict=True)
            for signal_id in item.signal_ids
        ]
    )
    return changed
