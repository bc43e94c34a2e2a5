"""Write a community's benchmark file (what GET /api/v1/communities/SLUG/benchmark/ serves) to a file or stdout."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community.benchmark import BenchmarkUnavailable, benchmark_text
from community.models import Community


class Command(BaseCommand):
    help = "Write the community's benchmark file, in the format of the bundled published figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--output", default="", help="The file to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["slug"]).first()
        if community is None:
            raise CommandError(f"No community {options['slug']!r}.")
        try:
            text = benchmark_text(community)
        except BenchmarkUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {options['output']}.")
        else:
            self.stdout.write(text, ending="")
