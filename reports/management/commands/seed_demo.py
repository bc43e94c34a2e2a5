"""Load the demo organization, then each app's demo data in the order of the layers (waves, evidence, scores)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessor.datafiles import DataFileInvalid
from assessor.demo import seed_organization
from collectors import demo as collectors_demo
from reports import demo as reports_demo
from surveys import demo as surveys_demo


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
        for seed in (surveys_demo.seed, collectors_demo.seed, reports_demo.seed):
            seed(organization, self.stdout)
