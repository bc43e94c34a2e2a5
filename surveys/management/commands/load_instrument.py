"""Load a survey instrument (question bank) file; the same version and content again changes nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.datafiles import DataFileInvalid
from surveys import conf
from surveys.instruments import read_instrument_file
from surveys.services import instrument_load


class Command(BaseCommand):
    help = "Load an instrument YAML file (default: the bundled platform maturity and cooperation survey)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="An instrument YAML file; the bundled one when left out.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]) if options["file"] else conf.default_instrument_file()
        try:
            spec = read_instrument_file(path)
            result = instrument_load(spec=spec)
        except DataFileInvalid as exc:  # InstrumentError included
            raise CommandError(str(exc)) from exc
        state = "loaded" if result.created else ("updated" if result.changed else "already loaded, unchanged")
        self.stdout.write(f"{spec.title} ({spec.key} version {spec.version}, {len(spec.questions())} questions): {state}.")
