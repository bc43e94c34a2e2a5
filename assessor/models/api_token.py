"""API tokens for machine clients: several per person, each named, with its last use and an optional expiry.

Only a SHA-256 hash of a key is stored (keys are 256 random bits, so a plain hash suffices); the key itself
is shown once, when it is issued."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

# A token's last use is written at most this often, so busy clients do not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def api_key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_new() -> str:
    return secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, e.g. the client's name.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="The key's first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Refused from this moment on; empty: never.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name or self.hint + '…'} for {self.user}"

    def refusal(self, now: datetime) -> str | None:
        """Why the token may not be used at `now`, or None when it may."""
        if self.revoked_at is not None:
            return "This token has been revoked."
        if self.expires_at is not None and self.expires_at <= now:
            return f"This token expired on {self.expires_at:%Y-%m-%d %H:%M} UTC."
        return None

    def mark_used(self, now: datetime) -> None:
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            self.last_used_at = now
            self.save(update_fields=["last_used_at"])

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.save(update_fields=["revoked_at"])
