"""App configuration for the core of the service."""

from django.apps import AppConfig


class AssessorConfig(AppConfig):
    name = "assessor"
    verbose_name = "Organizations and maturity model"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assessor import checks  # noqa: F401 - registers the deployment checks
        from assessor.schedules import SCHEDULES, keep_default_schedules

        keep_default_schedules(self, SCHEDULES)
