"""Coalesced rescoring: saves mark (team, wave) pairs, one pending row per pair, batches clear what they rescored."""

import pytest

from assessor.models import PendingRescore
from assessor.rescore import mark_pending, request_rescore
from reports import rescore as rescore_module
from reports.models import ScoreSnapshot
from reports.rescore import rescore_pending
from reports.tasks import rescore_pending_task
from tests.assessor import test_scoring_service as scoring

NOW, answer = scoring.NOW, scoring.answer
setup = scoring.setup  # the same small organization: two teams, a spring and an autumn wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Drain tasks sent by name, recorded instead of queued."""
    calls = []
    monkeypatch.setattr("assessor.rescore.send_task", lambda name, **kwargs: calls.append(name))
    return calls


@pytest.fixture
def recomputes(monkeypatch):
    """Every scoring call a batch makes, recorded before it runs."""
    calls = []
    real = rescore_module.scores_recompute

    def record(**kwargs):
        calls.append((sorted(kwargs["team_ids"]), kwargs["wave_ids"]))
        return real(**kwargs)

    monkeypatch.setattr(rescore_module, "scores_recompute", record)
    return calls


def test_many_saves_of_one_pair_leave_one_pending_rescore_and_send_one_task(setup, sent, django_capture_on_commit_callbacks):
    shop, autumn = setup["shop"], setup["autumn"]
    for _ in range(25):
        with django_capture_on_commit_callbacks(execute=True):
            request_rescore(team_ids=[shop.pk], wave_ids=[autumn.pk])

    pending = PendingRescore.objects.get()
    assert (pending.team_id, pending.wave_id, pending.version) == (shop.pk, autumn.pk, 26)
    assert sent == ["reports.rescore_pending"]


def test_a_batch_rescores_every_pending_pair_with_one_call_per_wave(setup, recomputes):
    shop, paas, autumn, spring = setup["shop"], setup["paas"], setup["autumn"], setup["spring"]
    answer(setup, autumn, shop, {"investment": [2]})
    answer(setup, autumn, paas, {"investment": [3]})
    mark_pending([(shop.pk, autumn.pk), (paas.pk, autumn.pk), (shop.pk, spring.pk)])

    result = rescore_pending(now=NOW)

    assert sorted(recomputes) == sorted([([shop.pk], [spring.pk]), (sorted([shop.pk, paas.pk]), [autumn.pk])])
    assert (result.pairs, result.again, result.waiting) == (3, 0, 0)
    assert result.written == ScoreSnapshot.objects.count() > 0
    assert not PendingRescore.objects.exists()


def test_nothing_is_rescored_twice_for_unchanged_inputs(setup, recomputes):
    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    mark_pending([(setup["shop"].pk, setup["autumn"].pk)])
    rescore_pending(now=NOW)
    written = ScoreSnapshot.objects.count()

    again = rescore_pending(now=NOW)

    assert len(recomputes) == 1 and (again.pairs, again.written) == (0, 0)
    assert ScoreSnapshot.objects.count() == written


def test_a_pair_marked_again_with_unchanged_inputs_is_scored_but_appends_no_snapshot(setup, recomputes):
    shop, autumn = setup["shop"], setup["autumn"]
    answer(setup, autumn, shop, {"investment": [2]})
    mark_pending([(shop.pk, autumn.pk)])
    first = rescore_pending(now=NOW)
    hashes = set(ScoreSnapshot.objects.values_list("aspect", "inputs_hash", "revision"))

    mark_pending([(shop.pk, autumn.pk)])  # a save that changed nothing the scores read
    again = rescore_pending(now=NOW)

    assert first.written > 0 and (again.pairs, again.written) == (1, 0)
    assert len(recomputes) == 2
    assert set(ScoreSnapshot.objects.values_list("aspect", "inputs_hash", "revision")) == hashes
    assert not PendingRescore.objects.exists()


def test_a_save_during_a_running_batch_is_rescored_after_it(setup, monkeypatch):
    shop, autumn = setup["shop"], setup["autumn"]
    answer(setup, autumn, shop, {"investment": [2]})
    mark_pending([(shop.pk, autumn.pk)])
    real = rescore_module.scores_recompute
    seen = []

    def save_while_scoring(**kwargs):
        result = real(**kwargs)
        if not seen:  # the respondent changes an answer while the first batch scores the old ones
            answer(setup, autumn, shop, {"investment": [4]})
            mark_pending([(shop.pk, autumn.pk)])
        seen.append(result.written)
        return result

    monkeypatch.setattr(rescore_module, "scores_recompute", save_while_scoring)

    first = rescore_pending(now=NOW)
    assert (first.pairs, first.again, first.waiting) == (1, 1, 1)
    assert PendingRescore.objects.get().claim == ""  # released for the next batch, not lost

    second = rescore_pending(now=NOW)
    assert (second.pairs, second.again, second.waiting) == (1, 0, 0)
    assert seen[1] > 0  # the second batch saw the new answers and wrote new snapshots
    assert not PendingRescore.objects.exists()


def test_a_failing_batch_releases_its_pairs_for_the_next_one(setup, monkeypatch):
    mark_pending([(setup["shop"].pk, setup["autumn"].pk)])

    def fail(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(rescore_module, "scores_recompute", fail)
    with pytest.raises(RuntimeError):
        rescore_pending(now=NOW)

    pending = PendingRescore.objects.get()
    assert (pending.claim, pending.claimed_at) == ("", None)


def test_a_batch_left_by_a_stopped_worker_is_taken_again_when_stale(setup, recomputes):
    from datetime import timedelta

    mark_pending([(setup["shop"].pk, setup["autumn"].pk)])
    PendingRescore.objects.update(claim="gone", claimed_at=NOW - timedelta(minutes=30), claimed_version=1)

    assert rescore_pending(now=NOW - timedelta(minutes=25)).pairs == 0  # still within its batch's time
    assert rescore_pending(now=NOW).pairs == 1
    assert not PendingRescore.objects.exists()


def test_every_wave_marks_rescore_all_waves_of_the_team(setup, recomputes, django_capture_on_commit_callbacks):
    answer(setup, setup["spring"], setup["shop"], {"investment": [1]})
    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    with django_capture_on_commit_callbacks(execute=True):
        request_rescore(team_ids=[setup["shop"].pk])  # evidence changed: every wave of the team

    assert recomputes == [([setup["shop"].pk], None)]
    assert set(ScoreSnapshot.objects.values_list("wave_id", flat=True)) == {setup["spring"].pk, setup["autumn"].pk}


def test_the_task_drains_until_nothing_is_left(setup):
    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    mark_pending([(setup["shop"].pk, setup["autumn"].pk), (setup["paas"].pk, setup["autumn"].pk)])

    assert rescore_pending_task.apply().get() == f"2 pairs rescored, {ScoreSnapshot.objects.count()} snapshots written"
    assert not PendingRescore.objects.exists()


def test_the_bulk_snapshot_write_reports_a_revision_clash_as_an_integrity_error(setup):
    """COPY on PostgreSQL, INSERTs elsewhere: the same rows twice clash on the revision constraint either way."""
    from django.db import IntegrityError, transaction

    answer(setup, setup["autumn"], setup["shop"], {"investment": [2]})
    rescore_module.scores_recompute(now=NOW)
    rows = [tuple(row) for row in ScoreSnapshot.objects.values_list(*rescore_module.SNAPSHOT_COLUMNS)]

    with pytest.raises(IntegrityError), transaction.atomic():
        rescore_module._insert_snapshots(rows)
    assert ScoreSnapshot.objects.count() == len(rows)
