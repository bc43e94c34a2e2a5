"""Evidence evaluated from the latest signals by a version of the rules, kept per evaluation for history."""

from __future__ import annotations

from django.db import models
from django.db.models import Max

from assessor.models import Team
from collectors.models.runs import CollectionRun, Signal


class Aspect(models.TextChoices):
    INVESTMENT = "investment", "Investment"
    ADOPTION = "adoption", "Adoption"
    INTERFACES = "interfaces", "Interfaces"
    OPERATIONS = "operations", "Operations"
    MEASUREMENT = "measurement", "Measurement"


class Direction(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def latest_ids(self) -> models.QuerySet[Evaluation]:
        """The id of each team's newest evaluation, as a subquery."""
        return self.values("team_id").annotate(newest=Max("id")).values("newest")


class Evaluation(models.Model):
    """One application of the rules to a team's latest signals. The team's newest evaluation is its current evidence."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="evidence_evaluations")
    rules_version = models.CharField(max_length=40)
    evaluated_at = models.DateTimeField()
    run = models.ForeignKey(CollectionRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluations")
    signal_count = models.PositiveIntegerField(default=0)
    changed = models.BooleanField(default=True, help_text="The evidence differs from the team's previous evaluation.")

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-evaluated_at", "-id"]
        indexes = [models.Index(fields=["team", "-id"], name="evaluation_team_newest")]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of {self.team} (rules {self.rules_version})"


class Evidence(models.Model):
    """A rule that fired for a team: support for, or against, a level of one aspect, with the signals behind it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="items")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="evidence")
    aspect = models.CharField(max_length=20, choices=Aspect.choices)
    level = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=20, choices=Direction.choices)
    weight = models.FloatField()
    rule_key = models.CharField(max_length=100)
    rules_version = models.CharField(max_length=40)
    explanation = models.TextField()
    observed_at = models.DateTimeField(help_text="When the newest signal behind it was observed.")
    signals = models.ManyToManyField(Signal, related_name="evidence", blank=True)

    class Meta:
        ordering = ["team", "aspect", "level", "rule_key"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=4), name="evidence_level_1_to_4"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="evidence_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_aspect_display()} {self.level} {self.direction} ({self.rule_key})"
