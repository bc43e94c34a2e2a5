"""Once created the heartbeat schedule; default schedules now come from `assessor.schedules` after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessor", "0002_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations: list = []
