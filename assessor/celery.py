"""Celery application, configured from Django settings (the standard Django recipe)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assessor.settings")

app = Celery("assessor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
