"""Waivers: a team's record, with a reason, that one evidence rule does not apply to it (or to one of its
repositories), and the audit trail of who created, revoked or let each one lapse."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessor.models import Repository, Team


class WaiverQuerySet(models.QuerySet["Waiver"]):
    def active(self, now: datetime) -> WaiverQuerySet:
        """Not revoked and not past its expiry at `now`."""
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def for_organization(self, organization_id: int) -> WaiverQuerySet:
        return self.filter(team__organization_id=organization_id)


class Waiver(models.Model):
    """One rule that stops counting for one team, or for the evidence of one of its repositories."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="waivers")
    repository = models.ForeignKey(
        Repository,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waivers",
        help_text="Only evidence that rests on this repository's signals is waived; the whole team when empty.",
    )
    rule_key = models.CharField(max_length=100)
    reason = models.TextField(help_text="Why the rule does not apply; shown beside the waived evidence.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="The rule counts again from then on.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the expiry was noticed and the team's scores queued to be recomputed."
    )

    objects = WaiverQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["team", "rule_key"], name="waiver_team_rule")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="waiver_has_reason")]

    def __str__(self) -> str:
        where = f"{self.team} / {self.repository.name}" if self.repository_id else str(self.team)
        return f"{self.rule_key} waived for {where}"

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def is_active(self, now: datetime) -> bool:
        return self.state(now) == "active"


class WaiverEvent(models.Model):
    """The audit trail of waivers: one row per creation, revocation or lapse, never updated."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        REVOKED = "revoked", "Revoked"
        LAPSED = "lapsed", "Lapsed at its expiry"

    waiver = models.ForeignKey(Waiver, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(max_length=150, blank=True, help_text="The username at the time, kept if the account goes.")
    at = models.DateTimeField()
    via = models.CharField(max_length=20, blank=True, help_text="page, api, admin or schedule.")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.waiver}: {self.get_action_display()} by {self.by_name or 'the schedule'} at {self.at:%Y-%m-%d %H:%M}"
