"""Whether a background worker runs, from the heartbeat the scheduler has it write every minute."""

from datetime import UTC, datetime, timedelta

import pytest

from assessor.heartbeat import worker_status
from assessor.models import Heartbeat
from assessor.tasks import heartbeat

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_no_heartbeat_ever_means_no_worker(worker_mode, django_assert_num_queries):
    with django_assert_num_queries(1):
        status = worker_status(NOW)
    assert status.missing and status.last_seen is None and status.silent_minutes is None


def test_a_heartbeat_within_three_minutes_is_a_running_worker(worker_mode):
    Heartbeat.objects.create(name="scheduler", last_seen=NOW - timedelta(minutes=3))
    status = worker_status(NOW)
    assert status.seen_recently and not status.missing and status.silent_minutes == 3


def test_an_older_heartbeat_is_a_worker_gone_for_that_long(worker_mode):
    Heartbeat.objects.create(name="scheduler", last_seen=NOW - timedelta(minutes=12, seconds=30))
    Heartbeat.objects.create(name="other", last_seen=NOW - timedelta(hours=5))
    status = worker_status(NOW)
    assert status.missing and status.silent_minutes == 12


def test_the_heartbeat_task_makes_the_worker_seen(worker_mode, time_machine):
    time_machine.move_to(NOW, tick=False)
    heartbeat.apply(kwargs={"name": "scheduler"})
    assert not worker_status(NOW + timedelta(minutes=1)).missing


def test_tasks_run_inline_need_no_worker_and_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        status = worker_status(NOW)
    assert status.inline and not status.missing
