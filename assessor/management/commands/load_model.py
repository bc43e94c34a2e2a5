"""Load the maturity model data file (idempotent; other versions stay as they are)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.datafiles import DataFileInvalid
from assessor.maturity import read_model_file
from assessor.services import model_load


class Command(BaseCommand):
    help = "Load a maturity model YAML file; loading the same version twice creates nothing new."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(settings.MATURITY_MODEL_FILE))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = read_model_file(Path(options["file"]))
        except DataFileInvalid as exc:
            raise CommandError(str(exc)) from exc
        result = model_load(spec=spec)
        if result.created:
            state = "loaded"
        elif result.changed:
            state = "updated"
        else:
            state = "already loaded, unchanged"
        self.stdout.write(f"{spec.title} {spec.version}: {state}.")
