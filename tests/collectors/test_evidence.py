"""Stored evidence and the reads other apps rely on: current signals, evidence_frame, pruning."""

from datetime import timedelta

import pandas as pd
import pytest
from django.utils import timezone

from assessor.models import Repository
from collectors.evaluation import evidence_evaluate
from collectors.models import CollectionRun, Evaluation, Evidence, Signal
from collectors.records import Outcome, SignalRecord
from collectors.selectors import EVIDENCE_COLUMNS, WAIVER_COLUMNS, evidence_frame, evidenced_capabilities_frame, signals_for_team
from collectors.services import run_record, run_start, signals_prune

pytestmark = pytest.mark.django_db
GITOPS_AND_IAC = {"files.gitops": 1, "files.iac": 2}


def record(source, values, *, complete=True, collector="git", started_days_ago=0):
    run = run_start(source=source, collector=collector, trigger="command")
    if started_days_ago:
        CollectionRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(days=started_days_ago))
    outcome = Outcome(signals=tuple(SignalRecord(key, value) for key, value in values.items()), complete=complete)
    return run_record(run=run, source=source, outcome=outcome)


@pytest.fixture
def repo(app_team):
    return Repository.objects.create(team=app_team, name="checkout", local_path="/srv/checkout")


def test_evidence_frame_has_the_contracted_columns_and_types(repo, app_team):
    record(repo, GITOPS_AND_IAC)
    frame = evidence_frame()
    assert tuple(frame.columns) == (*EVIDENCE_COLUMNS, *WAIVER_COLUMNS)
    row = frame[frame["rule_key"] == "operations-gitops-and-iac"].iloc[0]
    assert (row["team_id"], row["aspect"], row["level"], row["direction"], row["weight"]) == (
        app_team.pk,
        "operations",
        3,
        "supports",
        1.5,
    )
    assert row["rules_version"] == "1.0"
    assert isinstance(row["signal_ids"], list) and len(row["signal_ids"]) == 2
    assert row["observed_at"].tzinfo is not None
    assert str(frame["level"].dtype) == "int64" and str(frame["weight"].dtype) == "float64"


def test_evidence_frame_is_empty_with_the_columns_when_nothing_fired(app_team):
    frame = evidence_frame(team_ids=[app_team.pk])
    assert frame.empty and tuple(frame.columns) == (*EVIDENCE_COLUMNS, *WAIVER_COLUMNS)
    assert isinstance(frame["observed_at"].dtype, pd.DatetimeTZDtype)


def test_evidence_frame_shows_only_each_teams_latest_evaluation(repo, app_team):
    record(repo, GITOPS_AND_IAC)
    record(repo, {"files.gitops": 0, "files.iac": 2})
    keys = set(evidence_frame(team_ids=[app_team.pk])["rule_key"])
    assert "operations-gitops-and-iac" not in keys
    assert "operations-infrastructure-as-code" in keys


@pytest.mark.parametrize("teams", [3, 30])
def test_evidence_frame_takes_a_constant_number_of_queries(make_team, teams, django_assert_max_num_queries):
    for number in range(teams):
        team = make_team(f"team-{number}")
        record(Repository.objects.create(team=team, name=f"r{number}", local_path=f"/r{number}"), GITOPS_AND_IAC)
    with django_assert_max_num_queries(3):  # evidence, its signals, the waivers in force
        frame = evidence_frame()
    assert frame["team_id"].nunique() == teams
    with django_assert_max_num_queries(3):
        evidence_frame(team_ids=list(frame["team_id"].unique()[:2]))


def test_a_complete_run_retires_keys_it_no_longer_reports(repo, platform_team, app_team, cluster):
    first = record(cluster, {})  # the cluster first
    run = run_start(source=cluster, collector="kubernetes", trigger="command")
    ns_signal = SignalRecord("k8s.workloads", 3, namespace="checkout", team_slug="checkout")
    run_record(run=run, source=cluster, outcome=Outcome(signals=(ns_signal, SignalRecord("cluster.capabilities", 2))))
    assert Signal.objects.filter(team=app_team).current().count() == 1
    run = run_start(source=cluster, collector="kubernetes", trigger="command")
    run_record(run=run, source=cluster, outcome=Outcome(signals=(SignalRecord("cluster.capabilities", 2),)))
    assert Signal.objects.filter(team=app_team).current().count() == 0  # the namespace is gone
    assert Signal.objects.filter(team=app_team).count() == 1  # but its history is kept
    assert first.status == CollectionRun.Status.OK


def test_an_incomplete_run_leaves_other_keys_current(repo):
    first = record(repo, GITOPS_AND_IAC)
    second = record(repo, {"files.gitops": 0}, complete=False)
    assert {s.key: s.run_id for s in Signal.objects.current()} == {"files.gitops": second.pk, "files.iac": first.pk}


def test_re_evaluating_unchanged_signals_asks_for_no_rescore(repo, app_team):
    record(repo, GITOPS_AND_IAC)
    assert evidence_evaluate(team_ids=[app_team.pk]) == []
    latest = Evaluation.objects.filter(team=app_team).first()
    assert latest.changed is False and latest.items.exists()


def test_a_run_that_changes_evidence_requests_a_rescore(repo, app_team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        record(repo, GITOPS_AND_IAC)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        record(repo, GITOPS_AND_IAC)
    assert callbacks == []


def test_pruning_keeps_each_keys_latest_value(repo):
    old = record(repo, GITOPS_AND_IAC, started_days_ago=400)
    record(repo, {"files.gitops": 3}, complete=False, started_days_ago=300)
    recent = record(repo, {"files.iac": 5}, complete=False)
    deleted = signals_prune(older_than_days=180)
    assert deleted == 2  # both values of the 400-day-old run have newer ones; the 300-day-old gitops is still the latest
    remaining = {(s.key, s.run_id) for s in Signal.objects.all()}
    assert ("files.gitops", old.pk) not in remaining
    assert {s.key: s.value for s in Signal.objects.current()} == {"files.gitops": 3, "files.iac": 5}
    assert ("files.iac", recent.pk) in remaining
    assert Evidence.objects.exists()


def test_signals_for_team_and_capabilities_read_the_latest_values(cluster, platform_team):
    signals = (
        SignalRecord("cluster.capability.crossplane", True, detail={"domain": "apis"}),
        SignalRecord("cluster.capability.istio", False, detail={"domain": "infrastructure"}),
    )
    run = run_start(source=cluster, collector="kubernetes", trigger="command")
    run_record(run=run, source=cluster, outcome=Outcome(signals=signals))
    assert [s.key for s in signals_for_team(platform_team)] == ["cluster.capability.crossplane", "cluster.capability.istio"]
    frame = evidenced_capabilities_frame()
    assert frame.to_dict("records") == [{"team_id": platform_team.pk, "capability": "apis"}]
