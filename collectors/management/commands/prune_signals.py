"""Delete signals older than the retention period, keeping each key's latest value."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from collectors import conf
from collectors.services import signals_prune


class Command(BaseCommand):
    help = "Prune signal history older than COLLECTORS_SIGNAL_RETENTION_DAYS (each key's latest value is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help=f"Override the retention (default {conf.signal_retention_days()}).")

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = signals_prune(older_than_days=options["days"])
        self.stdout.write(f"Deleted {deleted} old signals.")
