"""App configuration for the core of the service."""

from django.apps import AppConfig


class AssessorConfig(AppConfig):
    name = "assessor"
    verbose_name = "Organizations and maturity model"
    default_auto_field = "django.db.models.BigAutoField"
