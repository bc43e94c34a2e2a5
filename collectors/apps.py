"""App configuration for collectors."""

from django.apps import AppConfig


class CollectorsConfig(AppConfig):
    name = "collectors"
    verbose_name = "Collectors"
    default_auto_field = "django.db.models.BigAutoField"
