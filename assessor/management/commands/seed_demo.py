"""Load the demo organization, then let each app add its own demo data (waves, evidence, ...)."""

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessor.datafiles import DataFileInvalid
from assessor.demo import seed_organization

# Each app may offer `<app>.demo.seed(organization, stdout)`; they run in this order.
APP_SEEDERS = ("surveys", "collectors", "reports")


class Command(BaseCommand):
    help = "Create the demo organization with its teams, links, repositories and cluster (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._seed()
        except DataFileInvalid as exc:  # the model, the instrument, the demo data or the rules
            raise CommandError(str(exc)) from exc

    def _seed(self) -> None:
        organization = seed_organization()
        self.stdout.write(f"Demo organization {organization.name!r}: {organization.teams.count()} teams.")
        for app in APP_SEEDERS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(organization, self.stdout)
