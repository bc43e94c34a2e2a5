"""The demo community: three synthetic organizations' releases and the benchmark loaded (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessor.datafiles import DataFileInvalid
from community import demo
from community.benchmark import BenchmarkUnavailable
from community.services import ReleaseRejected
from reports import conf


class Command(BaseCommand):
    help = "Create the demo community of three synthetic organizations and load its benchmark (run after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            community = demo.seed(self.stdout)
        except (ReleaseRejected, BenchmarkUnavailable, DataFileInvalid) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"  Community report  {conf.site_url()}/communities/{community.slug}/")
