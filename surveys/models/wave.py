"""Survey waves (an instrument version opened to some teams for a while) and their invitation links."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assessor.models import Membership, Organization, Team
from surveys import conf, tokens
from surveys.instruments import ROLE_LABELS


class Role(models.TextChoices):
    APP_DEVELOPER = "app_developer", ROLE_LABELS["app_developer"]
    PLATFORM_ENGINEER = "platform_engineer", ROLE_LABELS["platform_engineer"]
    INFRA_ENGINEER = "infra_engineer", ROLE_LABELS["infra_engineer"]
    MANAGER = "manager", ROLE_LABELS["manager"]

    @classmethod
    def for_team_kind(cls, kind: str) -> list[str]:
        """The roles invited by default from a team of this kind."""
        if kind == Team.Kind.PLATFORM:
            return [cls.PLATFORM_ENGINEER]
        if kind == Team.Kind.INFRASTRUCTURE:
            return [cls.INFRA_ENGINEER]
        return [cls.APP_DEVELOPER, cls.MANAGER]

    @classmethod
    def for_person(cls, *, team_kind: str, membership_role: str) -> str:
        """The role a person is invited in: their team's engineering role, or manager for an application team's lead."""
        if team_kind == Team.Kind.PLATFORM:
            return cls.PLATFORM_ENGINEER
        if team_kind == Team.Kind.INFRASTRUCTURE:
            return cls.INFRA_ENGINEER
        return cls.MANAGER if membership_role == Membership.Role.TEAM_LEAD else cls.APP_DEVELOPER


class WaveQuerySet(models.QuerySet["Wave"]):
    def open_at(self, now: datetime) -> WaveQuerySet:
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def open(self, now: datetime | None = None) -> WaveQuerySet:
        """Waves open at `now` (the current time when not given)."""
        return self.open_at(now or timezone.now())


class Wave(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="survey_waves")
    instrument = models.ForeignKey("surveys.Instrument", on_delete=models.PROTECT, related_name="waves")
    name = models.CharField(max_length=200)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    anonymous = models.BooleanField(
        default=False, help_text="Answers are not linked to a person; team results show only from the minimum below."
    )
    min_responses = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="In anonymous waves, team results appear once this many people have submitted.",
    )
    teams = models.ManyToManyField(Team, related_name="survey_waves", blank=True, verbose_name="invited teams")
    created_at = models.DateTimeField(auto_now_add=True)
    reopened_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When an admin last reopened the wave after it closed; releases published before then are superseded.",
    )

    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_wave_name"),
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="wave_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "A wave must close after it opens."})

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def has_closed(self, now: datetime) -> bool:
        return now >= self.closes_at

    @property
    def links_readable_until(self) -> datetime:
        """When its links stop showing the answers given: SURVEYS_READ_GRACE_DAYS after the wave closes."""
        return self.closes_at + timedelta(days=conf.read_grace_days())

    def links_expired(self, now: datetime) -> bool:
        """True once the links no longer show anything (pages and API answer 410 Gone)."""
        return now >= self.links_readable_until

    def link_expired_message(self) -> str:
        return (
            f"This survey closed on {self.closes_at:%d %B %Y}; answers are no longer shown through this link. "
            f"If you need them, ask whoever sent you the invitation (the survey's admins at {self.organization.name})."
        )

    def closed_message(self) -> str:
        return (
            f"The wave {self.name} closed on {self.closes_at:%d %B %Y}: answers can no longer be added or changed, "
            "so that results already reported and released stay as they are. An admin can reopen the wave "
            "(which supersedes its releases) to bring in late answers."
        )

    def reopen(self, *, now: datetime, closes_at: datetime) -> None:
        """Open a closed wave again until `closes_at`; callers check the state (see surveys.services.waves)."""
        self.closes_at = closes_at
        self.reopened_at = now
        self.save(update_fields=["closes_at", "reopened_at"])

    def state(self, now: datetime) -> str:
        """ "scheduled", "open" or "closed"."""
        if now < self.opens_at:
            return "scheduled"
        return "open" if now < self.closes_at else "closed"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def active(self) -> InvitationQuerySet:
        return self.filter(revoked_at__isnull=True)

    def by_token(self, token: str) -> InvitationQuerySet:
        return self.filter(token_hash=tokens.hash_token(token))

    def for_people(self) -> InvitationQuerySet:
        """Invitations addressed to one person (from a membership), not anonymous link slots."""
        return self.filter(membership__isnull=False)


class Invitation(models.Model):
    """A link for one respondent of a team in a wave. See `surveys.tokens` for how the token is kept."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="survey_invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    label = models.CharField(max_length=200, blank=True, help_text="Who the link is for, as a reminder to staff.")
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        help_text="The person this link is for; empty for an anonymous link slot.",
    )
    opened_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When the link was first opened.")
    token_nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "membership"], condition=models.Q(membership__isnull=False), name="one_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_role_display()} · {self.wave}"

    @classmethod
    def issue(cls, *, wave: Wave, team: Team, role: str, label: str = "", membership: Membership | None = None) -> Invitation:
        """A new, unsaved invitation with a fresh token."""
        invitation = cls(wave=wave, team=team, role=role, label=label, membership=membership)
        invitation.set_new_token()
        return invitation

    def set_new_token(self) -> None:
        self.token_nonce = tokens.new_nonce()
        self.token_hash = tokens.hash_token(self.token())

    def token(self) -> str:
        return tokens.derive_token(self.token_nonce)

    def path(self) -> str:
        return reverse("surveys:respond", args=[self.token()])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def expires_at(self) -> datetime:
        return self.wave.closes_at

    @property
    def for_person(self) -> bool:
        return self.membership_id is not None

    def mark_opened(self, now: datetime) -> None:
        """Remember the first time the link was opened (a conditional update, so two tabs keep the first moment)."""
        if self.opened_at is None:
            Invitation.objects.filter(pk=self.pk, opened_at__isnull=True).update(opened_at=now)
            self.opened_at = now

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
            self.save(update_fields=["revoked_at"])

    def regenerate(self) -> None:
        """A new link replaces the old one, which stops working at once; answers given so far stay."""
        self.set_new_token()
        self.revoked_at = None
        self.save(update_fields=["token_nonce", "token_hash", "revoked_at"])

    def clean(self) -> None:
        if self.wave_id and self.team_id and self.team.organization_id != self.wave.organization_id:
            raise ValidationError({"team": "The team belongs to another organization than the wave."})
        if self.membership_id and self.team_id and self.membership.team_id != self.team_id:
            raise ValidationError({"membership": "The person is not a member of this team."})
