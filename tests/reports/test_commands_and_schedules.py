import io
import json

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from reports.models import Annotation
from tests.reports.factories import NOW


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_send_digest_writes_a_preview_without_sending(world, tmp_path):
    target = tmp_path / "digest.html"

    output = run("send_digest", "--preview", str(target))

    assert "Acme: platform maturity digest" in target.read_text()
    assert "WHERE TEAMS STAND" in (tmp_path / "digest.txt").read_text()
    assert "for ada@example.com" in output
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
def test_send_digest_sends_once_per_period_from_cron(world):
    first = run("send_digest")
    second = run("send_digest")

    assert "2 sent" in first
    assert "0 sent, 2 already sent earlier" in second
    assert len(mail.outbox) == 2


def test_send_digest_names_an_unknown_organization(world):
    with pytest.raises(CommandError, match="No organization with the slug 'nope'"):
        run("send_digest", "--organization", "nope")


@time_machine.travel(NOW, tick=False)
def test_send_reminders_reports_what_it_did(world):
    assert "0 sent" in run("send_reminders")  # every team answered the open wave


def test_the_digest_and_reminder_schedules_are_editable_periodic_tasks(db):
    tasks = {task.name: task for task in PeriodicTask.objects.filter(task__startswith="reports.")}

    assert set(tasks) == {"Weekly digest", "Monthly digest", "Survey reminders", "Pending rescores", "Community benchmark"}
    assert tasks["Pending rescores"].interval.every == 300
    assert json.loads(tasks["Community benchmark"].kwargs) == {"url": ""}  # does nothing until a URL is filled in
    assert json.loads(tasks["Monthly digest"].kwargs) == {"frequency": "monthly"}
    assert tasks["Weekly digest"].crontab.day_of_week == "1"


def test_the_demo_adds_trend_annotations_once(demo_org):
    from reports.demo import seed

    seed(demo_org, io.StringIO())
    seed(demo_org, io.StringIO())

    assert Annotation.objects.filter(organization=demo_org).count() == 3
    assert Annotation.objects.get(label__startswith="Checkout").team.slug == "checkout"


def test_admins_manage_annotations_and_read_the_ledger(admin_client, world):
    for name in ("annotation", "subscription", "sentemail"):
        assert admin_client.get(reverse(f"admin:reports_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:reports_annotation_add")).status_code == 200
    assert admin_client.get(reverse("admin:reports_sentemail_add")).status_code == 403
