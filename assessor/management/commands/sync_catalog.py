"""Sync an organization's teams, people, repositories and consumer links with a Backstage catalog."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.catalog.entities import CatalogInvalid
from assessor.catalog.source import CatalogFetchError
from assessor.catalog.sync import SyncReport, catalog_sync_from
from assessor.models import Organization


class Command(BaseCommand):
    help = "Bring an organization in line with a Backstage catalog (files or REST API); idempotent."
    source_name = "the catalog"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="The organization's slug (may be left out when there is only one).")
        parser.add_argument("--from", dest="source", required=True, help="A catalog YAML file, a directory or a URL.")
        parser.add_argument("--dry-run", action="store_true", help="Print what would change and change nothing.")
        parser.add_argument("--prune", action="store_true", help="Remove what came from the catalog and left it.")
        parser.add_argument("--token", default="", help="Bearer token for the REST API (default BACKSTAGE_TOKEN).")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = self._organization(options["organization"])
        try:
            report = catalog_sync_from(
                organization=organization,
                source=options["source"],
                token=options["token"] or settings.BACKSTAGE_TOKEN,
                dry_run=options["dry_run"],
                prune=options["prune"],
            )
        except CatalogInvalid as exc:
            raise CommandError("The catalog cannot be imported; nothing was changed:\n  " + "\n  ".join(exc.errors)) from exc
        except (CatalogFetchError, ImproperlyConfigured) as exc:
            raise CommandError(f"{exc}; nothing was changed.") from exc
        self._print(report, dry_run=options["dry_run"], prune=options["prune"])

    def _organization(self, slug: str | None) -> Organization:
        if slug:
            try:
                return Organization.objects.get(slug=slug)
            except Organization.DoesNotExist:
                raise CommandError(f"No organization with slug {slug!r}.") from None
        organizations = list(Organization.objects.all()[:2])
        if len(organizations) != 1:
            raise CommandError("Name the organization with --organization SLUG.")
        return organizations[0]

    def _print(self, report: SyncReport, *, dry_run: bool, prune: bool) -> None:
        would = "would be " if dry_run else ""
        sections = [
            (f"{would}added", report.added),
            (f"{would}changed", report.changed),
            (f"{would}removed", report.removed),
            (f"no longer in {self.source_name}, kept (--prune removes them)", report.kept),
            ("notes", report.notes),
        ]
        for title, lines in sections:
            if lines:
                self.stdout.write(f"{title[:1].upper()}{title[1:]} ({len(lines)}):")
                for line in lines:
                    self.stdout.write(f"  {line}")
        if report.unchanged:
            self.stdout.write(f"Nothing to change: the organization matches {self.source_name}.")
        elif dry_run:
            self.stdout.write("Dry run: nothing was changed.")
