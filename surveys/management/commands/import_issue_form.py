"""Turn a GitHub issue-form template into a survey instrument, so issues written with it can be imported."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.yamlsafe import load_yaml
from surveys.instruments import InstrumentError
from surveys.issueforms import issue_form_instrument
from surveys.services import instrument_load


class Command(BaseCommand):
    help = "Convert a GitHub issue-form template (.github/ISSUE_TEMPLATE/*.yml) into an instrument and load it."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Here --version names the instrument version, replacing Django's "show the Django version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The issue-form YAML file.")
        parser.add_argument("--key", help="Instrument key (default: the form's name, slugified).")
        parser.add_argument("--version", type=int, default=1, dest="instrument_version", help="Instrument version (default 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            template = load_yaml(path.read_bytes())
            spec = issue_form_instrument(template, key=options["key"], version=options["instrument_version"])
            result = instrument_load(spec=spec)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        except (InstrumentError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        state = "loaded" if result.created else ("updated" if result.changed else "already loaded, unchanged")
        self.stdout.write(
            f"{spec.title} (instrument {spec.key} version {spec.version}, {len(spec.questions())} fields): {state}."
        )
