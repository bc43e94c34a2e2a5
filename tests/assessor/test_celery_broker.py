"""A real worker takes tasks from the configured broker: SQLite by default, Redis when CELERY_BROKER_URL says so."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from assessor.celery import app
from assessor.models import Heartbeat

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def test_a_worker_runs_a_task_sent_through_the_broker():
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            app.send_task("assessor.heartbeat", kwargs={"name": "broker-test"})
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not Heartbeat.objects.filter(name="broker-test").exists():
                time.sleep(0.2)
    finally:
        app.conf.task_always_eager = True
    assert Heartbeat.objects.filter(name="broker-test").exists()
