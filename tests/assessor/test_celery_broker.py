"""A real worker takes tasks from the configured broker: SQLite by default, Redis when CELERY_BROKER_URL says so."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection

from assessor.celery import app
from assessor.models import Heartbeat

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def close_worker_connection(**kwargs):
    # The in-process worker thread opens its own database connection; close it so the test database can be dropped.
    connection.close()


def test_a_worker_runs_a_task_sent_through_the_broker():
    app.conf.task_always_eager = False
    task_postrun.connect(close_worker_connection, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            app.send_task("assessor.heartbeat", kwargs={"name": "broker-test"})
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not Heartbeat.objects.filter(name="broker-test").exists():
                time.sleep(0.2)
    finally:
        task_postrun.disconnect(close_worker_connection)
        app.conf.task_always_eager = True
    assert Heartbeat.objects.filter(name="broker-test").exists()
