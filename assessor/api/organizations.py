"""Organizations the caller belongs to, and the teams in them the caller may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.access import AnyUser, organizations_for
from assessor.api.base import ApiView, OrganizationView
from assessor.api.pagination import Pagination
from assessor.api.permissions import team_or_404, visible_teams
from assessor.models import Consumption, Membership, Organization, Team

TAG = ["organizations and teams"]


class RoleOut(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    team_id = serializers.IntegerField(allow_null=True)


class OrganizationOut(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField(help_text="The caller's roles here (empty for a superuser without one).")

    class Meta:
        model = Organization
        fields = ["slug", "name", "size", "roles"]

    @extend_schema_field(RoleOut(many=True))
    def get_roles(self, organization: Organization) -> list[dict[str, Any]]:
        memberships = getattr(organization, "caller_memberships", [])
        return [{"role": m.role, "team_id": m.team_id} for m in memberships]


def _organizations(user: AnyUser) -> QuerySet[Organization]:
    own = Membership.objects.filter(user=user) if user.is_authenticated else Membership.objects.none()
    return organizations_for(user).prefetch_related(Prefetch("memberships", queryset=own, to_attr="caller_memberships"))


class OrganizationList(ApiView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, responses=OrganizationOut(many=True), summary="Organizations you belong to")
    def get(self, request: Request) -> Response:
        return self.page(_organizations(request.user).order_by("name", "pk"), OrganizationOut)


class OrganizationDetail(OrganizationView):
    @extend_schema(tags=TAG, responses=OrganizationOut, summary="One organization")
    def get(self, request: Request, org: str) -> Response:
        return Response(OrganizationOut(_organizations(request.user).get(pk=self.organization.pk)).data)


class GroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class LinkedTeamOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Team.Kind.choices)


class TeamOut(serializers.ModelSerializer):
    group = GroupOut(allow_null=True)
    providers = serializers.SerializerMethodField(help_text="Platform or infrastructure teams this team consumes.")
    consumers = serializers.SerializerMethodField(help_text="Application teams that consume this team.")

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "kind", "description", "group", "providers", "consumers"]

    @extend_schema_field(LinkedTeamOut(many=True))
    def get_providers(self, team: Team) -> list[dict[str, Any]]:
        return [LinkedTeamOut(link.provider).data for link in team.provider_links.all()]

    @extend_schema_field(LinkedTeamOut(many=True))
    def get_consumers(self, team: Team) -> list[dict[str, Any]]:
        return [LinkedTeamOut(link.consumer).data for link in team.consumer_links.all()]


class TeamFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Team.Kind.choices, required=False)
    group = serializers.SlugField(required=False, max_length=80, help_text="Group slug.")


def teams_with_links(teams: QuerySet[Team]) -> QuerySet[Team]:
    links = Consumption.objects.select_related("provider", "consumer").order_by("pk")
    return teams.select_related("group").prefetch_related(
        Prefetch("provider_links", queryset=links), Prefetch("consumer_links", queryset=links)
    )


class TeamList(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[TeamFilter], responses=TeamOut(many=True), summary="Teams you may see")
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(TeamFilter)
        teams = visible_teams(request.user, self.organization)
        if "kind" in filters:
            teams = teams.filter(kind=filters["kind"])
        if "group" in filters:
            teams = teams.filter(group__slug=filters["group"])
        return self.page(teams_with_links(teams).order_by("name", "pk"), TeamOut)


class TeamDetail(OrganizationView):
    @extend_schema(tags=TAG, responses=TeamOut, summary="One team")
    def get(self, request: Request, org: str, team: str) -> Response:
        found = team_or_404(request.user, self.organization, team)
        return Response(TeamOut(teams_with_links(Team.objects.filter(pk=found.pk)).get()).data)
