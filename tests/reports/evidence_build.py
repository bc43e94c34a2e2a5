"""Evidence as the collectors store it, for page and API tests: one evaluation per call, one signal per item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assessor.models import Repository, Team
from tests.reports.factories import NOW


def evaluation(
    team: Team,
    *items: tuple[str, int, str, str],
    repository: Repository | None = None,
    when: datetime = NOW,
    rules_version: str = "1",
) -> list[Any]:
    """Store a new evaluation of the team holding these (aspect, level, direction, rule key) items; each item
    rests on one signal of `repository` (one is made when none is given). Returns the evidence rows."""
    from collectors.models import CollectionRun, Evaluation, Evidence, Signal

    repository = (
        repository
        or Repository.objects.get_or_create(
            team=team, name=f"{team.slug}-repo", defaults={"local_path": f"/nowhere/{team.slug}"}
        )[0]
    )
    run = CollectionRun.objects.create(
        team=team, repository=repository, source_key=f"repository:{repository.pk}", collector="git", status="ok",
        complete=True, started_at=when, finished_at=when,
    )  # fmt: skip
    made = Evaluation.objects.create(team=team, rules_version=rules_version, evaluated_at=when, run=run, signal_count=len(items))
    rows = []
    for aspect, level, direction, rule_key in items:
        signal = Signal.objects.create(
            run=run, team=team, repository=repository, source_key=run.source_key, collector="git", key=f"test.{rule_key}",
            value=True, observed_at=when,
        )  # fmt: skip
        row = Evidence.objects.create(
            evaluation=made, team=team, aspect=aspect, level=level, direction=direction, weight=1.0, rule_key=rule_key,
            rules_version=rules_version, explanation=f"What {rule_key} saw.", observed_at=when,
        )  # fmt: skip
        row.signals.add(signal)
        rows.append(row)
    return rows
