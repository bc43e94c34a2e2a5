"""Survey answers given through GitHub issues by people not known to belong to the team, held for an admin."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessor.models import Repository


class SurveyIssueQuerySet(models.QuerySet["SurveyIssue"]):
    def pending(self) -> SurveyIssueQuerySet:
        return self.filter(status=SurveyIssue.Status.PENDING)

    def for_organization(self, organization_id: int) -> SurveyIssueQuerySet:
        return self.filter(repository__team__organization_id=organization_id)


class SurveyIssue(models.Model):
    """One survey issue held back from import because its author is not a known member of the repository's team.

    On a public repository anyone can open an issue with the survey label; only an admin's acceptance turns such
    an issue into a response. Accepted issues are imported from then on like members' ones; rejected ones never.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="survey_issues")
    number = models.PositiveIntegerField(help_text="The issue's number in its repository.")
    author = models.CharField(max_length=100, help_text="The GitHub login that opened the issue.")
    association = models.CharField(
        max_length=40, blank=True, help_text="GitHub's author_association (NONE, CONTRIBUTOR, FIRST_TIMER...)."
    )
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = SurveyIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["repository", "number"], name="unique_survey_issue")]
        indexes = [models.Index(fields=["status", "repository"], name="survey_issue_status")]

    def __str__(self) -> str:
        return f"{self.repository}#{self.number} by {self.author}"

    def decide(self, *, status: str, user: object, now: datetime) -> None:
        self.status = status
        self.decided_by = user  # type: ignore[assignment]
        self.decided_at = now
        self.save(update_fields=["status", "decided_by", "decided_at"])
