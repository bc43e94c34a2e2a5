"""Send survey reminders that are due now (for cron); the ledger keeps each reminder to one send."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports import conf
from reports.services import reminders_send


class Command(BaseCommand):
    help = (
        "Remind members of invited teams that have not answered an open wave. Each person gets at most "
        "REPORTS_REMINDER_MAX reminders per wave, REPORTS_REMINDER_DAYS_APART days apart, and none after the wave closes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reminders_send(now=timezone.now())
        self.stdout.write(
            f"Reminders: {result} (at most {conf.reminder_max()} per person and wave, {conf.reminder_days_apart()} days apart)."
        )
