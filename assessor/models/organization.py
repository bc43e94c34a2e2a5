"""Organizations, their teams and groups, who consumes whom, people's roles, and evidence sources."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from assessor.pathrules import local_path_refusal


class Organization(models.Model):
    class Size(models.TextChoices):
        # The buckets of the working group's "Infrastructure for apps" form.
        S1_10 = "1-10", "1-10"
        S11_100 = "11-100", "11-100"
        S101_500 = "101-500", "101-500"
        S501_2000 = "501-2000", "501-2000"
        S2000_PLUS = "2000+", "2000+"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamGroup(models.Model):
    """A department, tribe or business unit that teams belong to, for roll-ups."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    source_ref = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The catalog entity this came from (kind:namespace/name); empty when entered by hand.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="unique_group_slug")]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet["Team"]):
    def applications(self) -> TeamQuerySet:
        return self.filter(kind=Team.Kind.APPLICATION)

    def providers(self) -> TeamQuerySet:
        return self.filter(kind__in=[Team.Kind.PLATFORM, Team.Kind.INFRASTRUCTURE])


class Team(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", "Application"
        PLATFORM = "platform", "Platform"
        INFRASTRUCTURE = "infrastructure", "Infrastructure"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    group = models.ForeignKey(TeamGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    consumes = models.ManyToManyField(
        "self",
        through="Consumption",
        symmetrical=False,
        related_name="consumers",
        blank=True,
    )
    source_ref = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The catalog entity this came from (kind:namespace/name); empty when entered by hand.",
    )
    kind_overridden = models.BooleanField(
        default=False,
        help_text="Keep this kind when the catalog is synced, whatever the catalog's mapping says.",
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "slug"], name="unique_team_slug")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind in (self.Kind.PLATFORM, self.Kind.INFRASTRUCTURE)

    def clean(self) -> None:
        if self.group_id and self.group.organization_id != self.organization_id:
            raise ValidationError({"group": "The group belongs to another organization."})


class Consumption(models.Model):
    """An application team relies on what a platform or infrastructure team provides."""

    consumer = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="provider_links")
    provider = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="consumer_links")
    since = models.DateField(null=True, blank=True)
    source_ref = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The catalog entity this came from (kind:namespace/name); empty when entered by hand.",
    )
    provenance = models.JSONField(
        default=list,
        blank=True,
        help_text="The catalog relations this link was derived from (entity, relation, target).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consumer", "provider"], name="unique_consumption")]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.provider}"

    def clean(self) -> None:
        if self.consumer_id is None or self.provider_id is None:
            return  # the form has already said which team is missing or not one that may be chosen
        if self.consumer_id == self.provider_id:
            raise ValidationError("A team cannot consume itself.")
        if self.consumer.kind != Team.Kind.APPLICATION:
            raise ValidationError({"consumer": "Only application teams consume platforms."})
        if not self.provider.is_provider:
            raise ValidationError({"provider": "Only platform or infrastructure teams provide capabilities."})
        if self.consumer.organization_id != self.provider.organization_id:
            raise ValidationError("Both teams must belong to the same organization.")


class Membership(models.Model):
    """A person's role in an organization, and their team for team-scoped roles."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        TEAM_LEAD = "team_lead", "Team lead"
        MEMBER = "member", "Member"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    github_login = models.CharField(
        max_length=100,
        blank=True,
        help_text="The person's GitHub login, so their pull requests and issues count for their team (else the username).",
    )
    source_ref = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The catalog entity this came from (kind:namespace/name); empty when entered by hand.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "team"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        where = self.team.name if self.team_id else self.organization.name
        return f"{self.user} ({self.get_role_display()}, {where})"

    def clean(self) -> None:
        if self.role in (self.Role.TEAM_LEAD, self.Role.MEMBER) and not self.team_id:
            raise ValidationError({"team": "Team leads and members belong to a team."})
        if self.team_id and self.team.organization_id != self.organization_id:
            raise ValidationError({"team": "The team belongs to another organization."})


class Repository(models.Model):
    """A source repository whose history and files are evidence for a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="repositories")
    name = models.CharField(max_length=200)
    local_path = models.CharField(max_length=500, blank=True, help_text="A local checkout or bare repository.")
    github_full_name = models.CharField(max_length=200, blank=True, help_text="owner/name on GitHub.")
    is_platform_repo = models.BooleanField(default=False, help_text="Holds the platform's own code or config.")
    source_ref = models.CharField(
        max_length=300,
        blank=True,
        db_index=True,
        help_text="The catalog entity this came from (kind:namespace/name); empty when entered by hand.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "repositories"

    def __str__(self) -> str:
        return self.github_full_name or self.name

    def clean(self) -> None:
        if not self.local_path and not self.github_full_name:
            raise ValidationError("Give a local path or a GitHub full name (owner/name).")
        if self.github_full_name and self.github_full_name.count("/") != 1:
            raise ValidationError({"github_full_name": "Use the form owner/name."})
        if self.local_path and (reason := local_path_refusal(self.local_path)):
            raise ValidationError({"local_path": reason})

    @property
    def source(self) -> str:
        return "github" if self.github_full_name else "git"


class Cluster(models.Model):
    """A Kubernetes cluster read live through a kubeconfig context, or from an exported snapshot."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(max_length=200)
    kube_context = models.CharField(max_length=200, blank=True, help_text="Context name in the kubeconfig.")
    snapshot_path = models.CharField(max_length=500, blank=True, help_text="A `kubectl get -o json` dump.")
    team_label = models.CharField(
        max_length=200,
        default="team",
        help_text="Namespace label whose value names the owning team.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.snapshot_path and (reason := local_path_refusal(self.snapshot_path)):
            raise ValidationError({"snapshot_path": reason})

    @property
    def is_placeholder(self) -> bool:
        return not self.kube_context and not self.snapshot_path
