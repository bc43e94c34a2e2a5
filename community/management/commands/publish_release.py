"""Send a wave's current release to a community on another deployment (or, with --community, on this one)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from community import conf
from community.models import Contributor
from community.publish import PublishFailed, release_publish_local, release_send
from community.services import ReleaseRejected
from surveys.models import Wave


class Command(BaseCommand):
    help = "Publish the current release of a closed wave to a community: --to URL with a contributor token, or --community SLUG."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wave", type=int, required=True, help="The wave's id.")
        parser.add_argument("--to", default="", help="The community's address, e.g. https://host/api/v1/communities/SLUG/.")
        parser.add_argument("--token", default="", help="The contributor token (default: COMMUNITY_TOKEN).")
        parser.add_argument("--community", default="", help="The slug of a community on this deployment instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        wave = Wave.objects.select_related("organization").filter(pk=options["wave"]).first()
        if wave is None:
            raise CommandError(f"No wave {options['wave']}.")
        if bool(options["to"]) == bool(options["community"]):
            raise CommandError("Give either --to URL or --community SLUG.")
        try:
            if options["community"]:
                contributor = Contributor.objects.filter(
                    community__slug=options["community"], organization=wave.organization, revoked_at__isnull=True
                ).first()
                if contributor is None:
                    raise CommandError(f"{wave.organization.name} does not contribute to a community {options['community']!r}.")
                release, receipt = release_publish_local(wave=wave, contributor=contributor, now=timezone.now())
                word = "received" if receipt.created else "already held"
                self.stdout.write(f"Release {release.number} of {wave.name}: {word} by {contributor.community.name}.")
                return
            sent = release_send(wave=wave, url=options["to"], token=options["token"] or conf.token())
        except (PublishFailed, ReleaseRejected) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(sent.message)
