"""Issue a contributor token: an organization may then send its releases to the community under a pseudonym."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from assessor.models import Organization
from community.models import Community
from community.services import contributor_issue


class Command(BaseCommand):
    help = "Issue a contributor token for an organization; the key is printed once and only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--pseudonym", required=True, help="How the community names the organization.")
        parser.add_argument("--public-name", default="", help="Its real name, only if it agreed to be named.")
        parser.add_argument("--organization", default="", help="Slug of the organization when it is on this deployment.")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community {options['community']!r}; create it with create_community.")
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization {options['organization']!r} on this deployment.")
        pseudonym = options["pseudonym"].strip()
        if not pseudonym or len(pseudonym) > 80:
            raise CommandError("The pseudonym must be 1 to 80 characters.")
        try:
            contributor, key = contributor_issue(
                community=community, pseudonym=pseudonym, public_name=options["public_name"], organization=organization
            )
        except IntegrityError as exc:
            raise CommandError(f"{community.name} already has a contributor called {pseudonym!r}.") from exc
        self.stdout.write(f"Contributor {contributor.pseudonym!r} of {community.name}. Its token (shown once):\n{key}")
