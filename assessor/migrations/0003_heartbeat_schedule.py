"""Schedule the worker heartbeat every minute through beat's database scheduler (editable in the admin)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    task_model.objects.get_or_create(
        name="Worker heartbeat",
        defaults={"task": "assessor.heartbeat", "interval": every_minute, "kwargs": '{"name": "scheduler"}'},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Worker heartbeat").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessor", "0002_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
