"""Tokens that CI pipelines use to push evidence for one repository; only a SHA-256 hash is stored."""

from __future__ import annotations

import hashlib

from django.db import models

from assessor.models import Repository

TOKEN_PREFIX = "ce_"  # noqa: S105 - a visible prefix, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CIToken(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="ci_tokens")
    label = models.CharField(max_length=100, blank=True, help_text="Where the token is used, e.g. the pipeline's name.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text="The token's first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "CI token"

    def __str__(self) -> str:
        return f"{self.hint}… for {self.repository}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
