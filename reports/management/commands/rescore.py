"""Recompute score snapshots for all history, or some teams and waves, under a rubric version."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.datafiles import DataFileInvalid
from assessor.models import Team
from assessor.scoring.rubric import available_versions
from reports.rescore import scores_recompute


class Command(BaseCommand):
    help = "Recompute scores from stored answers and evidence; only changed inputs add snapshots (history is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rubric", help=f"Rubric version (available: {', '.join(available_versions())}; default newest).")
        parser.add_argument("--team", action="append", default=[], help="Team slug (repeatable); default every team.")
        parser.add_argument("--wave", action="append", type=int, default=[], help="Wave id (repeatable); default every wave.")

    def handle(self, *args: Any, **options: Any) -> None:
        team_ids = None
        if options["team"]:
            found = dict(Team.objects.filter(slug__in=options["team"]).values_list("slug", "pk"))
            missing = sorted(set(options["team"]) - set(found))
            if missing:
                raise CommandError(f"No team with slug {', '.join(missing)}.")
            team_ids = list(found.values())
        try:
            result = scores_recompute(team_ids=team_ids, wave_ids=options["wave"] or None, rubric_version=options["rubric"])
        except DataFileInvalid as exc:  # a missing or malformed rubric (RubricError) among them
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Rubric {result.rubric_version}: {result.teams} teams across {result.waves} waves; "
            f"{result.written} snapshots written, {result.unchanged} unchanged."
        )
