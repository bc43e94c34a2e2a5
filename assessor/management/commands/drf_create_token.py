"""Issue an API token for a machine client and print its key, once (only a hash of it is stored)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessor.auth_tokens import api_token_issue


class Command(BaseCommand):
    help = "Create an API token for USERNAME (sent as 'Authorization: Token <key>') and print the key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, shown in the admin.")
        parser.add_argument("--expires-in-days", type=int, default=None, metavar="DAYS", help="Refuse the token after DAYS days.")
        parser.add_argument(
            "-r", "--reset", action="store_true", help="Revoke the user's other tokens first (the key is replaced)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["expires_in_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-in-days must be a whole number of days, 1 or more.")
        name = options["name"].strip()
        if len(name) > 100:
            raise CommandError("--name may be 100 characters at most.")
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: options["username"]}).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        now = timezone.now()
        if options["reset"]:
            user.api_tokens.filter(revoked_at=None).update(revoked_at=now)
        token, key = api_token_issue(user=user, name=name, expires_at=now + timedelta(days=days) if days else None)
        self.stdout.write(key)
        expiry = f", expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else ", never expires"
        self.stderr.write(f"Token {token.hint}… for {user}{expiry}. Keep the key: it cannot be shown again.")
