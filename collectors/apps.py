"""App configuration for collectors."""

from django.apps import AppConfig

from assessor.pathrules import register_local_path_rule
from assessor.schedules import keep_default_schedules
from collectors.localpaths import local_path_refusal
from collectors.schedules import SCHEDULES


class CollectorsConfig(AppConfig):
    name = "collectors"
    verbose_name = "Collectors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        keep_default_schedules(self, SCHEDULES)
        register_local_path_rule(local_path_refusal)
