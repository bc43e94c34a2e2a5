"""Export an organization's teams, memberships, repositories and consumer links as CSV files."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.catalog.orgcsv import org_csv_export
from assessor.models import Organization


class Command(BaseCommand):
    help = "Write teams.csv, memberships.csv, repositories.csv and links.csv into a directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's slug.")
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization with slug {options['organization']!r}.")
        for path in org_csv_export(organization=organization, directory=Path(options["directory"])):
            self.stdout.write(str(path))
