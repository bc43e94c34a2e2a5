"""Sync an organization's teams, memberships and repositories with a GitHub organization's teams."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser

from assessor.management.commands.sync_catalog import Command as CatalogCommand
from collectors.github_client import GitHubError
from collectors.github_org_sync import github_org_sync


class Command(CatalogCommand):
    help = (
        "Bring an organization in line with a GitHub organization: teams and their parents, members, and the "
        "repositories each team administers or maintains; idempotent, read with conditional requests."
    )
    source_name = "the GitHub organization"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org", help="The GitHub organization's login, as in github.com/ORG.")
        parser.add_argument("--organization", help="The organization's slug here (may be left out when there is only one).")
        parser.add_argument("--dry-run", action="store_true", help="Print what would change and change nothing.")
        parser.add_argument("--prune", action="store_true", help="Remove what came from this GitHub organization and left it.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = self._organization(options["organization"])
        try:
            result = github_org_sync(
                organization=organization, org=options["org"], dry_run=options["dry_run"], prune=options["prune"]
            )
        except GitHubError as exc:
            again = " Trying again later may help." if exc.retryable else ""
            raise CommandError(f"{exc} Nothing was changed.{again}") from exc
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc}; nothing was changed.") from exc
        self._print(result.report, dry_run=options["dry_run"], prune=options["prune"])
        self.stdout.write(f"GitHub: {result.api_calls} API calls, {result.fresh_pages} pages changed since the last read.")
