"""Scores written from stored answers and evidence: append-only snapshots, only changed inputs, replay under a rubric."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from assessor.models import Organization, Team
from assessor.rescore import request_rescore
from collectors.models import Evaluation, Evidence
from reports.models import ScoreSnapshot
from reports.rescore import scores_recompute
from reports.selectors import latest_scores, organization_scope
from surveys.conf import BUNDLED_INSTRUMENT
from surveys.instruments import read_instrument_file
from surveys.models import Answer, Question, Response, Wave
from surveys.services.instruments import instrument_load

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def setup():
    organization = Organization.objects.create(name="Org", slug="org")
    shop = Team.objects.create(organization=organization, name="Shop", slug="shop", kind="application")
    paas = Team.objects.create(organization=organization, name="PaaS", slug="paas", kind="platform")
    instrument = instrument_load(spec=read_instrument_file(BUNDLED_INSTRUMENT)).instrument
    spring = Wave.objects.create(
        organization=organization,
        instrument=instrument,
        name="Spring",
        opens_at=NOW - timedelta(days=200),
        closes_at=NOW - timedelta(days=180),
    )
    autumn = Wave.objects.create(
        organization=organization,
        instrument=instrument,
        name="Autumn",
        opens_at=NOW - timedelta(days=20),
        closes_at=NOW + timedelta(days=5),
    )
    return {"org": organization, "shop": shop, "paas": paas, "instrument": instrument, "spring": spring, "autumn": autumn}


def answer(setup, wave, team, levels_by_aspect, *, targets=None):
    """A submitted response answering the first questions of each aspect with these levels."""
    response = Response.objects.create(
        wave=wave, team=team, role="app_developer", status="submitted", updated_at=NOW, submitted_at=NOW
    )
    for aspect, levels in levels_by_aspect.items():
        questions = Question.objects.filter(
            instrument=setup["instrument"], aspect=aspect, qtype="single_choice", perspective="self"
        ).order_by("position")
        for question, level in zip(questions, levels, strict=False):
            option = next(o for o in question.options if o["level"] == level)
            Answer.objects.create(
                response=response,
                question=question,
                value=option["value"],
                value_text=option["value"],
                level=level,
                updated_at=NOW,
            )
    for aspect, level in (targets or {}).items():
        question = Question.objects.get(instrument=setup["instrument"], key=f"target.{aspect}")
        Answer.objects.create(
            response=response, question=question, value=level, value_text=str(level), level=level, updated_at=NOW
        )
    return response


def add_evidence(team, aspect, level, direction="supports", observed_at=NOW):
    evaluation = Evaluation.objects.create(team=team, rules_version="1", evaluated_at=observed_at)
    Evidence.objects.create(
        evaluation=evaluation,
        team=team,
        aspect=aspect,
        level=level,
        direction=direction,
        weight=1.0,
        rule_key=f"test-{aspect}-{level}",
        rules_version="1",
        explanation="test",
        observed_at=observed_at,
    )


def test_it_writes_one_snapshot_per_team_wave_and_aspect(setup):
    answer(setup, setup["autumn"], setup["shop"], {"investment": [2, 3], "adoption": [1, 1]}, targets={"investment": 4})
    answer(setup, setup["autumn"], setup["shop"], {"investment": [3, 3]})
    result = scores_recompute(now=NOW)
    assert result.written == 2
    scores = latest_scores(organization_scope(setup["org"])).set_index("aspect")
    assert scores.loc["investment", "score"] == 2.75  # (2.5 + 3.0) / 2
    assert scores.loc["investment", "respondents"] == 2
    assert scores.loc["investment", "target_level"] == 4
    assert scores.loc["investment", "gap"] == 1
    assert scores.loc["adoption", "status"] == "no_evidence"


def test_unchanged_inputs_add_nothing_and_changed_ones_append(setup):
    response = answer(setup, setup["autumn"], setup["shop"], {"operations": [2, 2]})
    scores_recompute(now=NOW)
    assert scores_recompute(now=NOW + timedelta(hours=1)).written == 0
    first = Answer.objects.filter(response=response).first()
    first.level = 4
    first.value_text = "changed"
    first.save()
    assert scores_recompute(now=NOW + timedelta(hours=2)).written == 1
    assert ScoreSnapshot.objects.count() == 2  # history kept
    assert latest_scores(organization_scope(setup["org"])).loc[0, "score"] == 3.0


def test_evidence_goes_beside_the_latest_wave_and_earlier_waves_keep_theirs(setup):
    answer(setup, setup["spring"], setup["shop"], {"interfaces": [3, 3]})
    add_evidence(setup["shop"], "interfaces", 4, "contradicts")
    scores_recompute(now=NOW)
    spring = latest_scores(organization_scope(setup["org"]), wave_ids=[setup["spring"].pk]).iloc[0]
    assert spring["status"] == "agree"  # ceiling 3

    answer(setup, setup["autumn"], setup["shop"], {"interfaces": [4, 4]})
    add_evidence(setup["shop"], "interfaces", 2, "contradicts")  # a newer evaluation replaces the current evidence
    scores_recompute(now=NOW + timedelta(days=1))
    autumn = latest_scores(organization_scope(setup["org"]), wave_ids=[setup["autumn"].pk]).iloc[0]
    assert autumn["status"] == "over_claim"
    assert autumn["evidence_ceiling"] == 1
    spring_again = latest_scores(organization_scope(setup["org"]), wave_ids=[setup["spring"].pk]).iloc[0]
    assert spring_again["evidence_ceiling"] == 3  # replay kept what the earlier wave was scored with


def test_only_the_named_team_and_wave_are_rescored(setup):
    answer(setup, setup["autumn"], setup["shop"], {"measurement": [1]})
    answer(setup, setup["autumn"], setup["paas"], {"measurement": [2]})
    result = scores_recompute(team_ids=[setup["shop"].pk], wave_ids=[setup["autumn"].pk], now=NOW)
    assert result.written == 1
    assert set(ScoreSnapshot.objects.values_list("team_id", flat=True)) == {setup["shop"].pk}


def test_a_new_rubric_version_replays_history_beside_the_old(setup, tmp_path, monkeypatch):
    from assessor.scoring import rubric as rubric_module

    answer(setup, setup["autumn"], setup["shop"], {"adoption": [1]})
    answer(setup, setup["autumn"], setup["shop"], {"adoption": [3]})
    scores_recompute(now=NOW, rubric_version="1")
    rubric_dir = tmp_path / "rubrics"
    rubric_dir.mkdir()
    original = (rubric_module.RUBRIC_DIR / "rubric-1.yaml").read_text()
    (rubric_dir / "rubric-1.yaml").write_text(original)
    (rubric_dir / "rubric-2.yaml").write_text(
        original.replace('version: "1"', 'version: "2"').replace("levels_apart: 2", "levels_apart: 3")
    )
    monkeypatch.setattr(rubric_module, "RUBRIC_DIR", rubric_dir)
    call_command("rescore", "--rubric", "2")
    assert set(ScoreSnapshot.objects.values_list("rubric_version", flat=True)) == {"1", "2"}
    assert bool(latest_scores(organization_scope(setup["org"]), rubric_version="1").loc[0, "disagreement"]) is True
    assert bool(latest_scores(organization_scope(setup["org"]), rubric_version="2").loc[0, "disagreement"]) is False


def test_an_unknown_rubric_is_a_clear_command_error(setup):
    with pytest.raises(Exception, match="No rubric version '9'"):
        call_command("rescore", "--rubric", "9")


def test_a_rescore_request_runs_after_commit_in_the_background(setup, django_capture_on_commit_callbacks):
    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    with django_capture_on_commit_callbacks(execute=True):
        request_rescore(team_ids=[setup["shop"].pk], wave_ids=[setup["autumn"].pk])
    assert ScoreSnapshot.objects.filter(team=setup["shop"]).count() == 1


def test_latest_scores_is_one_query(setup, django_assert_num_queries):
    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    scores_recompute(now=NOW)
    scope = organization_scope(setup["org"])
    with django_assert_num_queries(1):
        latest_scores(scope, rubric_version="1")


def test_a_rescore_that_read_before_another_committed_appends_nothing_twice(setup, monkeypatch):
    """Two rescores of one team at once: the slower one read the newest hashes before the faster one wrote."""
    from reports import rescore as rescore_module

    answer(setup, setup["autumn"], setup["shop"], {"investment": [2], "adoption": [3]})
    real = rescore_module._latest_hashes
    reads = []

    def read_before_the_other_run_commits(scores, version):
        reads.append(version)
        if len(reads) == 1:
            scores_recompute(team_ids=[setup["shop"].pk], now=NOW)  # the other run reads, scores and commits first
            return {}  # what this run saw before that commit
        return real(scores, version)

    monkeypatch.setattr(rescore_module, "_latest_hashes", read_before_the_other_run_commits)
    result = scores_recompute(team_ids=[setup["shop"].pk], now=NOW + timedelta(seconds=2))
    assert result.written == 0
    assert ScoreSnapshot.objects.filter(team=setup["shop"]).count() == 2
    assert sorted(ScoreSnapshot.objects.values_list("revision", flat=True)) == [1, 1]


def test_the_database_refuses_a_second_snapshot_with_the_same_revision(setup):
    from django.db import IntegrityError, transaction

    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    scores_recompute(now=NOW)
    snapshot = ScoreSnapshot.objects.get()
    snapshot.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        snapshot.save()
