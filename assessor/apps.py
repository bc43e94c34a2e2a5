"""App configuration for the core of the service."""

from django.apps import AppConfig


class AssessorConfig(AppConfig):
    name = "assessor"
    verbose_name = "Organizations and maturity model"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from assessor.schedules import ensure_default_schedules

        post_migrate.connect(ensure_default_schedules, sender=self, dispatch_uid="assessor-default-schedules")
