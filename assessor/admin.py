"""Admin for organizations, teams, people, evidence sources and the loaded maturity model."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from assessor import auth_admin  # noqa: F401 - registers the API token admin
from assessor.models import (
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
class OrganizationAdmin(admin.ModelAdmin):
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
class TeamGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "slug"]
    list_filter = ["organization"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ProviderLinkInline(admin.TabularInline):
    model = Consumption
    fk_name = "consumer"
    extra = 0
    autocomplete_fields = ["provider"]
    verbose_name = "platform or infrastructure team consumed"
    verbose_name_plural = "platform or infrastructure teams consumed"


class RepositoryInline(admin.TabularInline):
    model = Repository
    extra = 0
    fields = ["name", "local_path", "github_full_name", "is_platform_repo"]


class ClusterInline(admin.TabularInline):
    model = Cluster
    extra = 0
    fields = ["name", "kube_context", "snapshot_path", "team_label"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "group", "organization", "repository_count"]
    list_filter = ["kind", "organization", "group"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["group", "organization"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProviderLinkInline, RepositoryInline, ClusterInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(repository_total=Count("repositories"))

    @admin.display(description="Repositories", ordering="repository_total")
    def repository_count(self, obj: Team) -> int:
        return obj.repository_total  # type: ignore[attr-defined]


@admin.register(Consumption)
class ConsumptionAdmin(admin.ModelAdmin):
    list_display = ["consumer", "provider", "since"]
    list_filter = ["provider__kind", "consumer__organization"]
    search_fields = ["consumer__name", "provider__name"]
    list_select_related = ["consumer", "provider"]
    autocomplete_fields = ["consumer", "provider"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "team", "organization", "github_login"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__email", "team__name", "github_login"]
    list_select_related = ["user", "team", "organization"]
    autocomplete_fields = ["user", "team"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "source", "github_full_name", "local_path", "is_platform_repo"]
    list_filter = ["is_platform_repo", "team__kind", "team__organization"]
    search_fields = ["name", "github_full_name", "local_path", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "kube_context", "snapshot_path", "team_label"]
    list_filter = ["team__organization"]
    search_fields = ["name", "kube_context", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]


class CellInline(admin.StackedInline):
    model = Cell
    extra = 0
    fields = ["level", "label", "summary", "characteristics", "next_steps", "evidence"]


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "model_key", "loaded_at"]
    search_fields = ["title", "version"]
    readonly_fields = ["content_hash", "loaded_at"]


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "aliases", "model_version"]
    list_filter = ["model_version"]


@admin.register(Aspect)
class AspectAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "order", "model_version"]
    list_filter = ["model_version"]
    search_fields = ["name", "question"]
    inlines = [CellInline]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = ["aspect", "level", "label", "summary"]
    list_filter = ["aspect__model_version", "aspect__key", "level__number"]
    search_fields = ["label", "summary"]
    list_select_related = ["aspect", "level"]
