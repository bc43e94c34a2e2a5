"""Reports' own data: score snapshots, annotations on trends, email subscriptions, and the ledger that sends each email once."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from assessor.models import Organization, Team, TeamGroup

# The stored columns, in the order plain inserts write them (see reports.rescore).
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
    "revision",
)


class SnapshotQuerySet(models.QuerySet["ScoreSnapshot"]):
    def newest(self) -> SnapshotQuerySet:
        """Only the newest revision of each score (wave, team, aspect, rubric): an index lookup per row, so
        reading current scores costs the same after twenty rounds of rescoring as after one."""
        newer = ScoreSnapshot.objects.filter(
            wave_id=models.OuterRef("wave_id"),
            team_id=models.OuterRef("team_id"),
            aspect=models.OuterRef("aspect"),
            rubric_version=models.OuterRef("rubric_version"),
            revision__gt=models.OuterRef("revision"),
        )
        return self.filter(~models.Exists(newer))


class ScoreSnapshot(models.Model):
    class Status(models.TextChoices):
        AGREE = "agree", "Agrees with evidence"
        OVER_CLAIM = "over_claim", "Over-claim"
        UNDER_CLAIM = "under_claim", "Under-claim"
        CONFLICT = "conflict", "Evidence conflicts"
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
    # 1 for the first snapshot of a wave, team, aspect and rubric, then one more for each change. Unique, so two
    # rescores racing on the same inputs cannot both append: the second one's insert fails and it reads again.
    revision = models.PositiveIntegerField(default=1)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        db_table = "assessor_scoresnapshot"  # moved from the core app; the table kept its name
        ordering = ["wave", "team", "aspect", "-computed_at"]
        indexes = [
            models.Index(fields=["wave", "team", "aspect", "rubric_version", "computed_at"], name="snapshot_lookup"),
            models.Index(fields=["team", "computed_at"], name="snapshot_team_history"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "team", "aspect", "rubric_version", "revision"], name="snapshot_revision_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.wave_id} {self.aspect}: {self.score:.2f} (rubric {self.rubric_version})"


class Annotation(models.Model):
    """Something that happened, drawn on trend charts (such as "self-service portal launched")."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="report_annotations")
    date = models.DateField()
    label = models.CharField(max_length=120)
    details = models.TextField(blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_annotations",
        help_text="Leave empty (and the group too) for an event that concerns the whole organization.",
    )
    group = models.ForeignKey(
        TeamGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_annotations",
        help_text="Shown on the group's trend and on its teams' trends.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "label"]
        indexes = [models.Index(fields=["organization", "date"], name="annotation_org_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.label}"

    def clean(self) -> None:
        if self.team_id and self.group_id:
            raise ValidationError("Choose a team or a group, not both.")
        if self.team_id and self.team.organization_id != self.organization_id:
            raise ValidationError({"team": "The team belongs to another organization."})
        if self.group_id and self.group.organization_id != self.organization_id:
            raise ValidationError({"group": "The group belongs to another organization."})


class EmailKind(models.TextChoices):
    DIGEST = "digest", "Digest"
    REMINDER = "reminder", "Survey reminder"
    INVITE = "invite", "Survey invitation"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class Subscription(models.Model):
    """A person's choice about one kind of email from one organization; no row means the defaults apply."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="report_subscriptions")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, blank=True, help_text="For digests; empty means the service default."
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "organization", "kind"], name="unique_report_subscription")]

    def __str__(self) -> str:
        state = "unsubscribed" if self.unsubscribed_at else (self.frequency or "default")
        return f"{self.user} · {self.get_kind_display()} · {self.organization} ({state})"


class SentEmail(models.Model):
    """The ledger: one row per recipient, kind and period, claimed before the email is sent.

    The row is committed on its own (the claim), the email is sent outside any transaction, then the row is
    marked delivered. The unique key makes a retried task or a second scheduler skip what another run has
    claimed. A send that fails with an error removes its claim, so a retry sends it; a run that dies between
    claim and confirmation leaves the row unconfirmed (`delivered_at` empty), and it is never sent again
    automatically: at most once, with the unconfirmed row reported (see RELIABILITY.md)."""

    recipient = models.EmailField(max_length=254, help_text="Lower-cased address.")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    period_key = models.CharField(
        max_length=64, help_text="Digest: organization and period; reminder: wave and number; invitation: wave, link and token."
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sent_report_emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    wave = models.ForeignKey("surveys.Wave", on_delete=models.CASCADE, null=True, blank=True, related_name="sent_reminders")
    subject = models.CharField(max_length=250)
    sent_at = models.DateTimeField(
        help_text="The moment of the run that sends it; a retried task keeps its first moment, so the period holds."
    )
    claimed_at = models.DateTimeField(default=timezone.now, help_text="When a run claimed the row, just before sending.")
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When the mail server took the email; empty while sending, or if the run died."
    )

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "sent email"
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "period_key"], name="unique_email_per_period"),
        ]
        indexes = [models.Index(fields=["wave", "kind", "recipient"], name="sent_email_wave")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.period_key})"

    @property
    def confirmed(self) -> bool:
        return self.delivered_at is not None


class Release(models.Model):
    """One published TAG export of a closed wave, stored as published and served unchanged afterwards.

    `cells` holds the exact respondents behind every figure (published or not); it never leaves the
    service and exists so a later release can be checked against this one (see reports.export.release).
    """

    wave = models.ForeignKey("surveys.Wave", on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveIntegerField(help_text="1 for the wave's first release, then one more for each.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    inputs_hash = models.CharField(max_length=64, help_text="Keyed SHA-256 of the answers and scores it was built from.")
    document = models.TextField(help_text="The JSON document exactly as published.")
    document_sha256 = models.CharField(max_length=64)
    min_group_size = models.PositiveSmallIntegerField(help_text="k when it was published.")
    release_text = models.BooleanField(default=False, help_text="Whether it holds free text (scrubbed).")
    scrubbed_texts = models.PositiveIntegerField(default=0)
    scrub_replacements = models.JSONField(default=dict, blank=True, help_text="Replacements per placeholder kind.")
    cells = models.JSONField(default=dict, help_text="Figure -> [exact respondents, published]; never exported.")
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["wave", "number"]
        constraints = [models.UniqueConstraint(fields=["wave", "number"], name="unique_release_number")]

    def __str__(self) -> str:
        return f"{self.wave} release {self.number}" + (" (superseded)" if self.superseded else "")

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None


class FreeTextTag(models.Model):
    """One tag on one free-text answer: a capability domain, a delivery mechanism or a wait, with the phrase it
    matched. The tagger suggests tags (see reports.tagging); an admin confirms, rejects or adds them, and
    re-tagging never overrides an admin's decision."""

    class Kind(models.TextChoices):
        CAPABILITY = "capability", "Capability"
        MECHANISM = "mechanism", "Delivery mechanism"
        WAIT = "wait", "Wait"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"
        ADDED = "added", "Added by an admin"

    answer = models.ForeignKey("surveys.Answer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=40)
    phrase = models.CharField(max_length=200, blank=True, help_text="The words of the text the tag matched.")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    low_days = models.FloatField(null=True, blank=True)
    high_days = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    vocabulary_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "start", "kind", "value"]
        constraints = [models.UniqueConstraint(fields=["answer", "kind", "value"], name="unique_free_text_tag")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value} ({self.status})"

    @property
    def counts(self) -> bool:
        """Whether the tag stands: suggested, confirmed or added, not rejected."""
        return self.status != self.Status.REJECTED

    def decide(self, *, status: str, user: AbstractBaseUser | None, now: datetime) -> None:
        self.status, self.decided_by, self.decided_at = status, user, now
        self.save(update_fields=["status", "decided_by", "decided_at"])


class LoadedBenchmark(models.Model):
    """A benchmark file loaded into this deployment (`load_benchmark`, or fetched from a community's URL),
    kept as its text; the trend report offers its editions beside the bundled published figures.

    One row per series key: loading a newer version of the same series replaces the older one."""

    key = models.CharField(max_length=80, unique=True, help_text="The file's series key.")
    version = models.PositiveIntegerField()
    text = models.TextField(help_text="The file as loaded (YAML or JSON).")
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=500, help_text="The file or URL it was loaded from.")
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} version {self.version}"
