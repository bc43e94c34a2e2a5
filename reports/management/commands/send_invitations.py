"""Email the people a wave invited by name their own links; the ledger keeps each link to one email."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports.invitations import InvitesRefused, invitations_send
from surveys.models import Wave


class Command(BaseCommand):
    help = (
        "Send each person a wave invited by name an email with their own survey link. A link already sent is not "
        "sent again; withdrawn links, people who submitted and people who stopped survey emails are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("wave_id", type=int, help="The wave's id (shown in its page's address).")

    def handle(self, *args: Any, **options: Any) -> None:
        wave = Wave.objects.select_related("organization").filter(pk=options["wave_id"]).first()
        if wave is None:
            raise CommandError(f"There is no wave {options['wave_id']}.")
        try:
            result = invitations_send(wave=wave, now=timezone.now())
        except InvitesRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Invitations for {wave.name}: {result.sent} sent, {result.already_sent} sent earlier, {result.skipped} skipped."
        )
