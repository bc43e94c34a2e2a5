"""Communities, their reviewers and admins, the organizations that contribute (each under a pseudonym, with a
hashed contributor token), and the releases they sent, stored as received."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from assessor.models.api_token import LAST_USED_RESOLUTION


class Community(models.Model):
    """A group of contributing organizations and the reviewers who study their combined releases."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class CommunityRole(models.Model):
    """A reviewer reads the community's releases and aggregates, nothing of any organization; an admin also
    issues contributor tokens. Neither is a member of any organization through this role."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Community admin"
        REVIEWER = "reviewer", "Reviewer"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="one_role_per_community")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.community}"


class Contributor(models.Model):
    """An organization allowed to send releases, known to the community by the pseudonym the community chose.

    `public_name` stays empty unless the organization opted in to be named. `organization` is set only when
    it lives on this same deployment (so its admins can publish by choosing the community). Only the token's
    SHA-256 is stored; the key is shown once, when it is issued."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="contributors")
    pseudonym = models.CharField(max_length=80)
    public_name = models.CharField(max_length=200, blank=True, help_text="Shown only when the organization opted in.")
    organization = models.ForeignKey(
        "assessor.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="community_contributions"
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["community", "pseudonym"]
        constraints = [models.UniqueConstraint(fields=["community", "pseudonym"], name="unique_pseudonym")]

    def __str__(self) -> str:
        return f"{self.pseudonym} in {self.community}"

    @property
    def shown_name(self) -> str:
        return self.public_name or self.pseudonym

    def mark_used(self, now: datetime) -> None:
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            self.last_used_at = now
            self.save(update_fields=["last_used_at"])

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.save(update_fields=["revoked_at"])


class ReceivedRelease(models.Model):
    """One release of one wave of a contributor, stored exactly as it arrived and never changed afterwards.

    `wave_ref` is the sender's opaque name for the wave (it tells releases of one wave apart from another's
    and nothing else); among releases of the same wave the highest number is the one aggregates count."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="releases")
    contributor = models.ForeignKey(Contributor, on_delete=models.PROTECT, related_name="releases")
    sender = models.CharField(max_length=80, help_text="The contributor's pseudonym when it arrived.")
    origin = models.CharField(max_length=300, blank=True, help_text="The deployment it came from, as the sender declared.")
    wave_ref = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    format_version = models.PositiveSmallIntegerField(help_text="The export format version the document declares.")
    closed_in = models.CharField(max_length=7, help_text="Year and month the wave closed (YYYY-MM).")
    document = models.TextField(help_text="The JSON document exactly as received.")
    document_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["community", "received_at"]
        constraints = [
            models.UniqueConstraint(fields=["contributor", "wave_ref", "number"], name="one_document_per_release"),
        ]

    def __str__(self) -> str:
        return f"{self.sender} release {self.number} of {self.wave_ref[:8]}… in {self.community}"
