"""Score snapshots: append-only per wave, team and aspect, stamped with the rubric and a hash of their inputs."""

from __future__ import annotations

from django.db import models

# The stored columns, in the order plain inserts write them (see assessor.scoring_service).
SNAPSHOT_COLUMNS = (
    "wave_id",
    "team_id",
    "aspect",
    "rubric_version",
    "inputs_hash",
    "computed_at",
    "score",
    "level",
    "respondents",
    "spread",
    "disagreement",
    "evidence_floor",
    "evidence_ceiling",
    "evidence_items",
    "evidence_observed_at",
    "status",
    "confidence",
    "confidence_label",
    "target_level",
    "gap",
    "unverified",
)


class ScoreSnapshot(models.Model):
    class Status(models.TextChoices):
        AGREE = "agree", "Agrees with evidence"
        OVER_CLAIM = "over_claim", "Over-claim"
        UNDER_CLAIM = "under_claim", "Under-claim"
        NO_EVIDENCE = "no_evidence", "No evidence"

    wave = models.ForeignKey("surveys.Wave", on_delete=models.CASCADE, related_name="score_snapshots")
    team = models.ForeignKey("assessor.Team", on_delete=models.CASCADE, related_name="score_snapshots")
    aspect = models.CharField(max_length=40)
    rubric_version = models.CharField(max_length=20)
    inputs_hash = models.CharField(max_length=40)
    computed_at = models.DateTimeField()

    score = models.FloatField()
    level = models.PositiveSmallIntegerField()
    respondents = models.PositiveIntegerField()
    spread = models.FloatField()
    disagreement = models.BooleanField(default=False)

    evidence_floor = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence_ceiling = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence_items = models.PositiveIntegerField(default=0)
    evidence_observed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)

    confidence = models.FloatField()
    confidence_label = models.CharField(max_length=10)
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    gap = models.SmallIntegerField(null=True, blank=True)
    unverified = models.BooleanField(default=False)

    class Meta:
        ordering = ["wave", "team", "aspect", "-computed_at"]
        indexes = [
            models.Index(fields=["wave", "team", "aspect", "rubric_version", "computed_at"], name="snapshot_lookup"),
            models.Index(fields=["team", "computed_at"], name="snapshot_team_history"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.wave_id} {self.aspect}: {self.score:.2f} (rubric {self.rubric_version})"
