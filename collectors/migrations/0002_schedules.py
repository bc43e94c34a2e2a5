"""Once created the collectors' schedules; default schedules now come from `collectors.schedules` after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("collectors", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations: list = []
