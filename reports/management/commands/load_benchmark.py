"""Load a benchmark file (a community's) from a file or a URL; the trend report then offers its editions."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessor.datafiles import DataFileInvalid
from reports import conf
from reports.benchmark_store import BenchmarkFetchFailed, benchmark_fetch, benchmark_load


class Command(BaseCommand):
    help = "Load a community's benchmark file (the format of the bundled published figures) from FILE or --url."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="The benchmark file (YAML or JSON).")
        parser.add_argument("--url", help="Fetch it from the community instead (as the scheduled task does).")
        parser.add_argument("--token", default="", help="Contributor token for the community (default: COMMUNITY_TOKEN).")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["url"]):
            raise CommandError("Give either a FILE or --url.")
        try:
            if options["url"]:
                loaded = benchmark_fetch(url=options["url"], token=options["token"] or conf.community_token(), now=timezone.now())
            else:
                path = Path(options["file"])
                try:
                    text = path.read_bytes()
                except OSError as exc:
                    raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
                loaded = benchmark_load(text=text, source=str(path), now=timezone.now())
        except (DataFileInvalid, BenchmarkFetchFailed) as exc:
            raise CommandError(str(exc)) from exc
        labels = ", ".join(edition.label for edition in loaded.editions)
        self.stdout.write(f"{loaded.row.key} version {loaded.row.version} {loaded.outcome}: {labels}.")
