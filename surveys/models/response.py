"""Responses (one person's answers in a wave, draft or submitted) and the answers themselves."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from assessor.models import Team
from surveys.models.wave import Role


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Source(models.TextChoices):
        WEB = "web", "Web form"
        ISSUE = "issue", "Issue form"

    wave = models.ForeignKey("surveys.Wave", on_delete=models.PROTECT, related_name="responses")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="survey_responses")
    invitation = models.OneToOneField(
        "surveys.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0, help_text="Goes up on every save; a save based on an older one is refused.")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        help_text="Empty in anonymous waves.",
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    external_id = models.CharField(max_length=300, blank=True, help_text="Where an imported response came from.")
    external_url = models.URLField(max_length=500, blank=True)
    external_author = models.CharField(max_length=200, blank=True)
    unmatched_sections = models.JSONField(
        default=dict,
        blank=True,
        help_text="Sections of an imported issue whose heading is no field of its form (heading: text), kept as written.",
    )
    last_step = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "external_id"], condition=~models.Q(external_id=""), name="unique_external_response"
            ),
        ]
        indexes = [models.Index(fields=["wave", "team", "status"], name="response_wave_team_status")]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_role_display()} · {self.wave} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def mark_changed(self, now: datetime, *, step: str = "") -> None:
        """Record a save: the version moves on, so any page still holding the old one is told."""
        self.version += 1
        self.updated_at = now
        fields = ["version", "updated_at"]
        if step:
            self.last_step = step
            fields.append("last_step")
        self.save(update_fields=fields)

    def note_step(self, step: str) -> None:
        """Remember where the person is, so the link brings them back there (no version change)."""
        if step != self.last_step:
            self.last_step = step
            self.save(update_fields=["last_step"])

    def mark_submitted(self, now: datetime) -> None:
        self.status = self.Status.SUBMITTED
        self.submitted_at = now
        self.version += 1
        self.updated_at = now
        self.save(update_fields=["status", "submitted_at", "version", "updated_at"])


class Answer(models.Model):
    """One answer; `level` and `value_text` are kept beside the JSON value so frames need no decoding."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("surveys.Question", on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()
    value_text = models.TextField(blank=True)
    level = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="unique_answer")]

    def __str__(self) -> str:
        return f"{self.question.key} = {self.value_text[:60]}"
