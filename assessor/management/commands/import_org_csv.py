"""Import teams, memberships, repositories and consumer links from CSV files; all rows or none."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.catalog.orgcsv import COLUMNS, OrgCSVInvalid, org_csv_import
from assessor.models import Organization


class Command(BaseCommand):
    help = "Create or update from teams.csv, memberships.csv, repositories.csv and links.csv in a directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's slug.")
        parser.add_argument("directory", help=f"A directory holding any of {', '.join(COLUMNS)}.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization with slug {options['organization']!r}.")
        directory = Path(options["directory"])
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        try:
            report = org_csv_import(organization=organization, directory=directory)
        except OrgCSVInvalid as exc:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(exc.errors)) from exc
        if not report.created:
            raise CommandError(f"{directory} holds none of {', '.join(COLUMNS)}.")
        for name in report.created:
            self.stdout.write(f"{name}: {report.created[name]} created, {report.updated[name]} updated")
