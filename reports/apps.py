"""App configuration for reports."""

from django.apps import AppConfig

from assessor.schedules import keep_default_schedules
from reports.schedules import SCHEDULES


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:

        keep_default_schedules(self, SCHEDULES)
