"""Collection runs, the signals they observed (append-only), and per-source state for conditional requests."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessor.models import Cluster, Repository, Team


def source_key_for(source: Repository | Cluster) -> str:
    """The one string that names a source, so runs and signals of one source group together."""
    return f"{'repository' if isinstance(source, Repository) else 'cluster'}:{source.pk}"


class Collector(models.TextChoices):
    GIT = "git", "Local git"
    GITHUB = "github", "GitHub"
    KUBERNETES = "kubernetes", "Kubernetes"
    CI = "ci", "Pushed from CI"


class CollectionRunQuerySet(models.QuerySet["CollectionRun"]):
    def running(self) -> CollectionRunQuerySet:
        return self.filter(status=CollectionRun.Status.RUNNING)

    def for_organization(self, organization_id: int) -> CollectionRunQuerySet:
        return self.filter(team__organization_id=organization_id)


class CollectionRun(models.Model):
    """One attempt to collect from one source, with what it used, what it skipped and how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "Finished"
        PARTIAL = "partial", "Partial"
        FAILED = "failed", "Failed"
        UNCHANGED = "unchanged", "Unchanged"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Collect now"
        SCHEDULE = "schedule", "Schedule"
        COMMAND = "command", "Command line"
        PUSH = "push", "Pushed from CI"
        UPLOAD = "upload", "Uploaded dump"
        DEMO = "demo", "Demo data"
        RETRY = "retry", "Retry"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="collection_runs")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, null=True, blank=True, related_name="collection_runs")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="collection_runs")
    source_key = models.CharField(max_length=40, db_index=True, editable=False)
    collector = models.CharField(max_length=20, choices=Collector.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.MANUAL)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    api_calls = models.PositiveIntegerField(default=0)
    rate_limit_remaining = models.IntegerField(null=True, blank=True)
    signal_count = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(
        default=False, help_text="Observed the collector's whole signal set, so keys it did not report no longer hold."
    )
    skipped = models.JSONField(default=list, blank=True, help_text="What was not collected, and why.")
    notes = models.JSONField(default=list, blank=True, help_text="Other things worth knowing, such as survey answers imported.")
    error = models.TextField(blank=True)
    retryable = models.BooleanField(default=False, help_text="The error may go away on a later attempt.")
    source_url = models.CharField(max_length=1000, blank=True)
    job_id = models.CharField(max_length=64, blank=True, db_index=True, help_text="The background job that ran it.")

    objects = CollectionRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source_key", "collector", "complete"], name="run_source_complete")]
        constraints = [
            models.CheckConstraint(
                condition=Q(repository__isnull=False, cluster__isnull=True) | Q(repository__isnull=True, cluster__isnull=False),
                name="run_has_one_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_collector_display()} run {self.pk} ({self.get_status_display()})"

    @property
    def source(self) -> Repository | Cluster:
        return self.repository or self.cluster  # type: ignore[return-value]

    @property
    def badge(self) -> str:
        """The CSS badge class for the status."""
        return {"ok": "ok", "unchanged": "ok", "partial": "warn", "failed": "danger"}.get(self.status, "")

    @property
    def duration_seconds(self) -> float | None:
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None

    def finish(self, *, status: str, **fields: Any) -> None:
        self.status = status
        self.finished_at = timezone.now()
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", "finished_at", *fields])


class SignalQuerySet(models.QuerySet["Signal"]):
    def current(self) -> SignalQuerySet:
        """The latest value of each signal: from the newest run that observed the key for the source, unless a
        later complete run of that source no longer reports it (the file, namespace or team has gone)."""
        last_complete = CollectionRun.objects.filter(
            source_key=OuterRef("source_key"), collector=OuterRef("collector"), complete=True
        ).order_by("-id")
        newest = Window(
            expression=models.Max("run_id"),
            partition_by=[F("source_key"), F("collector"), F("team_id"), F("key"), F("namespace")],
        )
        return self.annotate(newest_run=newest, floor_run=Coalesce(Subquery(last_complete.values("id")[:1]), Value(0))).filter(
            run_id=F("newest_run"), run_id__gte=F("floor_run")
        )


class Signal(models.Model):
    """One observed fact with its provenance. Rows are never updated; a new run adds new rows."""

    run = models.ForeignKey(CollectionRun, on_delete=models.CASCADE, related_name="signals")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="signals")
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, null=True, blank=True, related_name="signals")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="signals")
    source_key = models.CharField(max_length=40, editable=False)
    collector = models.CharField(max_length=20, choices=Collector.choices)
    key = models.CharField(max_length=200)
    value = models.JSONField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=300, blank=True, help_text="The repository, or cluster/namespace, observed.")
    path = models.CharField(max_length=1000, blank=True)
    namespace = models.CharField(max_length=253, blank=True)
    observed_at = models.DateTimeField()
    source_url = models.CharField(max_length=1000, blank=True)
    endpoint = models.CharField(max_length=500, blank=True, help_text="The API endpoint or git command that gave it.")

    objects = SignalQuerySet.as_manager()

    class Meta:
        ordering = ["key", "id"]
        indexes = [
            models.Index(fields=["team", "key"], name="signal_team_key"),
            models.Index(fields=["source_key", "collector", "key", "namespace", "run"], name="signal_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value!r}"

    @property
    def platform_repo(self) -> bool | None:
        return self.repository.is_platform_repo if self.repository_id else None


class SourceState(models.Model):
    """What a collector remembers about a source between runs: ETags, the last head sha, the default branch."""

    source_key = models.CharField(max_length=40)
    collector = models.CharField(max_length=20, choices=Collector.choices)
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source_key", "collector"], name="unique_source_state")]
        verbose_name_plural = "source states"

    def __str__(self) -> str:
        return f"{self.collector} state of {self.source_key}"
