"""Send this period's digest now (for cron), or write it to a file to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessor.datafiles import DataFileInvalid
from assessor.models import Organization
from reports.periods import FREQUENCIES
from reports.services import digest_preview, digest_send


class Command(BaseCommand):
    help = (
        "Send the digest to admins and team leads who want it at this frequency, once per period "
        "(running it again in the same week or month sends nothing new). With --preview FILE, write the "
        "HTML an admin would get to FILE (and the plain text beside it) without sending anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--frequency", choices=FREQUENCIES, default="weekly")
        parser.add_argument(
            "--organization", metavar="SLUG", help="Only this organization (required with --preview if there are several)."
        )
        parser.add_argument("--preview", metavar="FILE", help="Write the digest to FILE instead of sending it.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        organizations = Organization.objects.order_by("pk")
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"No organization with the slug {options['organization']!r}.")
        if options["preview"]:
            self._preview(list(organizations), Path(options["preview"]), options["frequency"], now)
            return
        try:
            result = digest_send(frequency=options["frequency"], now=now, organization_ids=[o.pk for o in organizations])
        except DataFileInvalid as exc:  # the rubric, the model or the benchmarks
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Digest ({options['frequency']}): {result}.")

    def _preview(self, organizations: list[Organization], path: Path, frequency: str, now: Any) -> None:
        if not organizations:
            raise CommandError("There is no organization yet; run `manage.py seed_demo` or create one in the admin.")
        if len(organizations) > 1:
            raise CommandError("Several organizations: choose one with --organization SLUG.")
        try:
            message = digest_preview(organization=organizations[0], frequency=frequency, now=now)
        except (LookupError, DataFileInvalid) as exc:
            raise CommandError(str(exc)) from exc
        html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
        path.write_text(str(html), encoding="utf-8")
        text_path = path.with_suffix(".txt") if path.suffix == ".html" else path.with_name(path.name + ".txt")
        text_path.write_text(str(message.body), encoding="utf-8")
        self.stdout.write(f"Wrote {path} and {text_path}: {message.subject!r} for {message.to[0]}.")
