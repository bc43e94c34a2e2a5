"""Issue a token a CI pipeline uses to push evidence for one repository; it is printed once and stored hashed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.models import Repository
from collectors.pushed import ci_token_issue


class Command(BaseCommand):
    help = "Print a new CI evidence token for a repository (only its hash is kept: copy it now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repository", type=int, required=True, help="The id of the repository.")
        parser.add_argument("--label", default="", help="Where the token will be used, e.g. the pipeline's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        repository = Repository.objects.filter(pk=options["repository"]).first()
        if repository is None:
            raise CommandError(f"No repository with id {options['repository']}.")
        token = ci_token_issue(repository=repository, label=options["label"])
        self.stderr.write(f"New CI token for {repository}. It is shown only this once:")
        self.stdout.write(token)
