"""Build the synthetic organization the benchmarks measure (replacing an earlier one)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.datafiles import DataFileInvalid
from reports.synthetic import generate_org


class Command(BaseCommand):
    help = "Create a synthetic organization: teams, consumer links, waves, submitted answers and evidence, in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--teams", type=int, default=1000)
        parser.add_argument("--waves", type=int, default=8)
        parser.add_argument("--respondents", type=int, default=6, help="Respondents per team and wave.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("teams", "waves", "respondents"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        started = time.monotonic()
        try:
            result = generate_org(
                teams=options["teams"],
                waves=options["waves"],
                respondents=options["respondents"],
                seed=options["seed"],
                progress=self.stdout.write,
            )
        except (RuntimeError, DataFileInvalid) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic organization: {result.teams} teams, {result.waves} waves, {result.responses} responses, "
                f"{result.answers} answers, {result.evidence} evidence items in {time.monotonic() - started:.0f} s."
            )
        )
