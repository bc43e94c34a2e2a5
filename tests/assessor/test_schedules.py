import pytest
from django_celery_beat.models import PeriodicTask

from assessor import schedules as core_schedules
from assessor.schedules import ensure_default_schedules
from collectors import schedules as collector_schedules
from reports import schedules as report_schedules

pytestmark = pytest.mark.django_db

ALL_DEFAULTS = (*core_schedules.SCHEDULES, *collector_schedules.SCHEDULES, *report_schedules.SCHEDULES)


def test_beat_has_a_heartbeat_schedule_admins_can_edit():
    task = PeriodicTask.objects.get(name="Worker heartbeat")
    assert task.task == "assessor.heartbeat"
    assert task.enabled
    assert task.interval.every == 60


def test_every_default_schedule_exists_after_migrate():
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {schedule.name for schedule in ALL_DEFAULTS} <= names


def test_a_missing_default_comes_back_and_edits_are_kept():
    PeriodicTask.objects.filter(name="Prune old signals").delete()
    PeriodicTask.objects.filter(name="Worker heartbeat").update(enabled=False)
    ensure_default_schedules(ALL_DEFAULTS)
    assert PeriodicTask.objects.filter(name="Prune old signals").exists()
    assert PeriodicTask.objects.get(name="Worker heartbeat").enabled is False


def test_default_schedules_take_their_timing_from_the_apps_schedule_lists():
    from django_celery_beat.models import CrontabSchedule

    for schedule in collector_schedules.SCHEDULES:
        task = PeriodicTask.objects.get(name=schedule.name)
        minute, hour, day_of_week, day_of_month = schedule.crontab
        assert CrontabSchedule.objects.filter(
            pk=task.crontab_id, minute=minute, hour=hour, day_of_week=day_of_week, day_of_month=day_of_month
        ).exists()
