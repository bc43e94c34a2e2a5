"""Let waivers past their expiry lapse: audit each and queue its team's rescore (the schedule runs the same)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collectors.waivers import waivers_lapse


class Command(BaseCommand):
    help = "Record the lapse of waivers whose expiry has passed and queue their teams' scores to be recomputed."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{waivers_lapse()} waivers lapsed.")
