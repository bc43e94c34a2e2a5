import pytest
from django_celery_beat.models import PeriodicTask

pytestmark = pytest.mark.django_db


def test_beat_has_a_heartbeat_schedule_admins_can_edit():
    task = PeriodicTask.objects.get(name="Worker heartbeat")
    assert task.task == "assessor.heartbeat"
    assert task.enabled
    assert task.interval.every == 60
