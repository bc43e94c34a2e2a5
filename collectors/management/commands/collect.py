"""Collect evidence now, in this process: one local path, one repository or cluster, or every source."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessor.datafiles import DataFileInvalid
from assessor.models import Cluster, Organization, Repository, Team
from collectors.localpaths import LocalPathError
from collectors.models import CollectionRun
from collectors.services import local_repository_for, organization_sources, source_collect


def _line(runs: list[CollectionRun]) -> str:
    if not runs:
        return "nothing to read (no context or snapshot)"
    parts = []
    for run in runs:
        text = f"{run.status}, {run.signal_count} signals"
        if run.error:
            text += f" ({run.error})"
        parts.append(text if len(runs) == 1 else f"{run.collector}: {text}")
    return "; ".join(parts)


class Command(BaseCommand):
    help = "Collect evidence synchronously: --path DIR --team SLUG, --repository ID, --cluster ID, or --all."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--path", help="A local checkout or bare repository to scan (needs --team).")
        target.add_argument("--repository", type=int, help="The id of a repository to collect.")
        target.add_argument("--cluster", type=int, help="The id of a cluster to collect.")
        target.add_argument("--all", action="store_true", help="Every repository and cluster of every organization.")
        parser.add_argument("--team", help="The slug of the team that owns --path.")
        parser.add_argument("--org", help="Limit --team or --all to one organization (slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = self._sources(options)
        width = len(str(len(sources)))
        failed = 0
        for number, source in enumerate(sources, start=1):
            self.stdout.write(f"[{number:>{width}}/{len(sources)}] {source} ... ", ending="")
            self.stdout.flush()
            try:
                runs = source_collect(source=source, trigger=CollectionRun.Trigger.COMMAND, raise_retryable=False)
            except DataFileInvalid as exc:  # rules, detectors or the cluster catalog: no source can be read
                self.stdout.write("failed")
                raise CommandError(str(exc)) from exc
            failed += sum(1 for run in runs if run.status == CollectionRun.Status.FAILED)
            self.stdout.write(_line(runs))
        if not sources:
            self.stdout.write("No sources to collect.")
        if failed:
            raise CommandError(f"{failed} runs failed; earlier signals are untouched.")

    def _sources(self, options: dict[str, Any]) -> list[Repository | Cluster]:
        organizations = Organization.objects.all()
        if options["org"]:
            organizations = organizations.filter(slug=options["org"])
            if not organizations.exists():
                raise CommandError(f"No organization {options['org']!r}.")
        if options["path"]:
            if not options["team"]:
                raise CommandError("--path needs --team SLUG: the team that owns the repository.")
            teams = list(Team.objects.filter(slug=options["team"], organization__in=organizations)[:2])
            if len(teams) != 1:
                raise CommandError(f"{'No' if not teams else 'More than one'} team {options['team']!r}; add --org to choose.")
            try:
                return [local_repository_for(path=options["path"], team=teams[0])]
            except LocalPathError as exc:
                raise CommandError(str(exc)) from exc
        if options["repository"] is not None:
            repository = Repository.objects.select_related("team").filter(pk=options["repository"]).first()
            if repository is None:
                raise CommandError(f"No repository with id {options['repository']}.")
            return [repository]
        if options["cluster"] is not None:
            cluster = Cluster.objects.select_related("team").filter(pk=options["cluster"]).first()
            if cluster is None:
                raise CommandError(f"No cluster with id {options['cluster']}.")
            return [cluster]
        return [source for organization in organizations for source in organization_sources(organization)]
