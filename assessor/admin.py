"""Admin for organizations, teams, people, evidence sources and the loaded maturity model, each scoped to the
organizations a staff user administers (see assessor/admin_scope.py); accounts, tokens and schedules for superusers."""

from typing import Any

from axes import admin as axes_admin  # noqa: F401 - registers the sign-in records before they are wrapped below
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django_celery_beat import admin as beat_admin  # noqa: F401 - registers the schedules before they are wrapped below
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from assessor import auth_admin as token_admin  # noqa: F401 - registers the API token admin wrapped below
from assessor.admin_scope import OrganizationScoped, Scope
from assessor.models import (
    ApiToken,
    Aspect,
    Cell,
    Cluster,
    Consumption,
    Level,
    Membership,
    ModelVersion,
    Organization,
    Repository,
    Team,
    TeamGroup,
)


@admin.register(Organization)
class OrganizationAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "pk"
    list_display = ["name", "slug", "size", "team_count", "created"]
    search_fields = ["name", "slug"]
    list_filter = ["size"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(team_total=Count("teams"))

    @admin.display(description="Teams", ordering="team_total")
    def team_count(self, obj: Organization) -> int:
        return obj.team_total  # type: ignore[attr-defined]


@admin.register(TeamGroup)
class TeamGroupAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "organization"
    list_display = ["name", "organization", "slug"]
    list_filter = ["organization"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ProviderLinkInline(OrganizationScoped, admin.TabularInline):
    organization_path = "consumer__organization"
    model = Consumption
    fk_name = "consumer"
    extra = 0
    autocomplete_fields = ["provider"]
    verbose_name = "platform or infrastructure team consumed"
    verbose_name_plural = "platform or infrastructure teams consumed"


class RepositoryInline(OrganizationScoped, admin.TabularInline):
    organization_path = "team__organization"
    model = Repository
    extra = 0
    fields = ["name", "local_path", "github_full_name", "is_platform_repo"]


class ClusterInline(OrganizationScoped, admin.TabularInline):
    organization_path = "team__organization"
    model = Cluster
    extra = 0
    fields = ["name", "kube_context", "snapshot_path", "team_label"]


@admin.register(Team)
class TeamAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "organization"
    list_display = ["name", "kind", "group", "organization", "repository_count"]
    list_filter = ["kind", "organization", "group"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["group", "organization"]
    ordering = ["name"]  # the counting annotation drops the model's default ordering, which paging needs
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProviderLinkInline, RepositoryInline, ClusterInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(repository_total=Count("repositories"))

    @admin.display(description="Repositories", ordering="repository_total")
    def repository_count(self, obj: Team) -> int:
        return obj.repository_total  # type: ignore[attr-defined]


@admin.register(Consumption)
class ConsumptionAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "consumer__organization"
    list_display = ["consumer", "provider", "since"]
    list_filter = ["provider__kind", "consumer__organization"]
    search_fields = ["consumer__name", "provider__name"]
    list_select_related = ["consumer", "provider"]
    autocomplete_fields = ["consumer", "provider"]


@admin.register(Membership)
class MembershipAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "organization"
    list_display = ["user", "role", "team", "organization", "github_login"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__email", "team__name", "github_login"]
    list_select_related = ["user", "team", "organization"]
    autocomplete_fields = ["user", "team"]


@admin.register(Repository)
class RepositoryAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "team__organization"
    list_display = ["name", "team", "source", "github_full_name", "local_path", "is_platform_repo"]
    list_filter = ["is_platform_repo", "team__kind", "team__organization"]
    search_fields = ["name", "github_full_name", "local_path", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]


@admin.register(Cluster)
class ClusterAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = "team__organization"
    list_display = ["name", "team", "kube_context", "snapshot_path", "team_label"]
    list_filter = ["team__organization"]
    search_fields = ["name", "kube_context", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]


class CellInline(OrganizationScoped, admin.StackedInline):
    organization_path = Scope.SHARED
    model = Cell
    extra = 0
    fields = ["level", "label", "summary", "characteristics", "next_steps", "evidence"]


@admin.register(ModelVersion)
class ModelVersionAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = Scope.SHARED
    list_display = ["title", "version", "model_key", "loaded_at"]
    search_fields = ["title", "version"]
    readonly_fields = ["content_hash", "loaded_at"]


@admin.register(Level)
class LevelAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = Scope.SHARED
    list_display = ["number", "name", "aliases", "model_version"]
    list_filter = ["model_version"]


@admin.register(Aspect)
class AspectAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = Scope.SHARED
    list_display = ["name", "key", "order", "model_version"]
    list_filter = ["model_version"]
    search_fields = ["name", "question"]
    inlines = [CellInline]


@admin.register(Cell)
class CellAdmin(OrganizationScoped, admin.ModelAdmin):
    organization_path = Scope.SHARED
    list_display = ["aspect", "level", "label", "summary"]
    list_filter = ["aspect__model_version", "aspect__key", "level__number"]
    search_fields = ["label", "summary"]
    list_select_related = ["aspect", "level"]


# Accounts, API tokens and schedules belong to the whole deployment. An organization's admin may look up the
# people of their own organizations (to give them a role) but changes no account: a password or superuser flag
# set here would reach every organization the person belongs to.


class UserAdmin(OrganizationScoped, auth_admin.UserAdmin):
    organization_path = "memberships__organization"
    staff_may_edit = False


def _deployment_only(*deployment_models: type[models.Model]) -> None:
    """Wrap the admin that Django or a library registered for each model, so only superusers reach it."""
    for model in deployment_models:
        registered = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(model, _deployment_wrapped(registered))


def _deployment_wrapped(registered: type[Any]) -> type[Any]:
    extra: dict[str, Any] = {"organization_path": Scope.DEPLOYMENT}
    if getattr(registered, "inlines", None):
        extra["inlines"] = [_deployment_wrapped(inline) for inline in registered.inlines]
    return type(registered.__name__, (OrganizationScoped, registered), extra)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdmin)
_deployment_only(Group, ApiToken, PeriodicTask, IntervalSchedule, CrontabSchedule, SolarSchedule, ClockedSchedule)
# Sign-in attempts name people and addresses of every organization (axes registers only the ones it keeps).
_deployment_only(*(model for model in (AccessAttempt, AccessLog, AccessFailureLog) if admin.site.is_registered(model)))
