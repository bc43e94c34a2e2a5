"""A file type missing from a team's repositories counts against it only once every repository registered to the
team has been scanned, as the rules' `absence` entries say."""

import pytest

from assessor.models import Repository
from collectors.models import CollectionRun
from collectors.records import Outcome, SignalRecord
from collectors.selectors import evidence_frame
from collectors.services import run_record, run_start

pytestmark = pytest.mark.django_db
NOTHING = {"files.ci": 0, "files.iac": 0, "files.gitops": 0, "files.observability": 0}
ABSENCE_RULES = {"interfaces-no-automation", "operations-no-infrastructure-code", "measurement-no-observability"}


def scanned(repository: Repository, values: dict) -> CollectionRun:
    run = run_start(source=repository, collector="git", trigger="command")
    outcome = Outcome(signals=tuple(SignalRecord(key, value) for key, value in values.items()), complete=True)
    return run_record(run=run, source=repository, outcome=outcome)


def fired(team) -> set[str]:
    return set(evidence_frame(team_ids=[team.pk])["rule_key"])


def test_absence_waits_for_every_registered_repository(platform_team):
    infra = Repository.objects.create(team=platform_team, name="infra", local_path="/srv/infra")
    tooling = Repository.objects.create(team=platform_team, name="tooling", local_path="/srv/tooling")
    scanned(infra, NOTHING)
    assert not fired(platform_team) & ABSENCE_RULES  # tooling may hold what infra lacks
    scanned(tooling, NOTHING)
    assert fired(platform_team) >= ABSENCE_RULES


def test_one_repository_with_the_files_ends_the_absence(platform_team):
    infra = Repository.objects.create(team=platform_team, name="infra", local_path="/srv/infra")
    tooling = Repository.objects.create(team=platform_team, name="tooling", local_path="/srv/tooling")
    scanned(infra, NOTHING)
    scanned(tooling, {**NOTHING, "files.iac": 3, "files.observability": 1})
    assert not fired(platform_team) & ABSENCE_RULES
