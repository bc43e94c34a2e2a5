"""A team's waivers: list them, waive a rule, revoke a waiver (team leads and admins of the organization)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.access import can_manage_team
from assessor.api.base import OrganizationView, StrictSerializer, id_field
from assessor.api.errors import BadRequest
from assessor.api.pagination import Pagination
from assessor.api.permissions import team_or_404
from assessor.models import Repository, Team
from collectors.models import Waiver
from collectors.selectors import waivers_for_team
from collectors.waivers import MAX_REASON, WaiverInvalid, waiver_create, waiver_revoke

TAG = ["evidence"]


class WaiverEventOut(serializers.Serializer):
    action = serializers.ChoiceField(choices=["created", "revoked", "lapsed"])
    by = serializers.CharField(source="by_name", help_text="The username; empty for the schedule.")
    at = serializers.DateTimeField()
    via = serializers.CharField()


class WaiverOut(serializers.Serializer):
    id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    rule_key = serializers.CharField()
    repository_id = serializers.IntegerField(allow_null=True)
    repository = serializers.CharField(source="repository.name", allow_null=True, default=None)
    reason = serializers.CharField()
    state = serializers.SerializerMethodField(help_text="active, expired or revoked.")
    expires_at = serializers.DateTimeField(allow_null=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    revoked_by = serializers.CharField(source="revoked_by.username", allow_null=True, default=None)
    revoked_at = serializers.DateTimeField(allow_null=True)
    events = WaiverEventOut(many=True, source="events.all", help_text="The audit trail, oldest first.")

    def get_state(self, waiver: Waiver) -> str:
        return waiver.state(self.context.get("now") or timezone.now())


class WaiverIn(StrictSerializer):
    rule_key = serializers.CharField(max_length=100, help_text="The key of a rule in the rules in use.")
    reason = serializers.CharField(max_length=MAX_REASON, help_text="Why the rule does not apply here.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, help_text="When the rule counts again.")
    repository = id_field(required=False, allow_null=True, help_text="Waive only for this repository of the team.")


def _team_to_change(view: OrganizationView, request: Request, team: str) -> Team:
    found = team_or_404(request.user, view.organization, team)
    if not can_manage_team(request.user, found):
        raise PermissionDenied(f"Only {found.name}'s team leads and the organization's admins may change its waivers.")
    return found


def _fresh(team: Team, pk: int) -> Waiver:
    """The waiver as the list shows it, events included."""
    return next(row for row in waivers_for_team(team) if row.pk == pk)


class TeamWaivers(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, responses=WaiverOut(many=True), summary="A team's waivers, with their audit trail")
    def get(self, request: Request, org: str, team: str) -> Response:
        return self.page(waivers_for_team(team_or_404(request.user, self.organization, team)), WaiverOut, now=timezone.now())

    @extend_schema(tags=TAG, request=WaiverIn, responses={201: WaiverOut}, summary="Waive a rule (team leads and admins)")
    def post(self, request: Request, org: str, team: str) -> Response:
        found = _team_to_change(self, request, team)
        data = self.body(WaiverIn)
        repository = None
        if data.get("repository") is not None:
            repository = Repository.objects.filter(team=found, pk=data["repository"]).first()
            if repository is None:
                raise BadRequest(
                    f"repository: no repository {data['repository']} of {found.name}.", details={"repository": data["repository"]}
                )
        try:
            waiver = waiver_create(
                team=found,
                rule_key=data["rule_key"],
                reason=data["reason"],
                expires_at=data.get("expires_at"),
                repository=repository,
                by=request.user,
                via="api",
            )
        except WaiverInvalid as error:
            raise BadRequest(f"{error.field}: {error.message}", details={error.field: [error.message]}) from error
        return Response(WaiverOut(_fresh(found, waiver.pk), context={"now": timezone.now()}).data, status=status.HTTP_201_CREATED)


class WaiverRevoke(OrganizationView):
    @extend_schema(tags=TAG, request=None, responses=WaiverOut, summary="Revoke a waiver (team leads and admins)")
    def post(self, request: Request, org: str, team: str, waiver: int) -> Response:
        found = _team_to_change(self, request, team)
        item = Waiver.objects.filter(team=found, pk=waiver).first()
        if item is None:
            raise NotFound(f"No waiver {waiver} for {found.name}.")
        waiver_revoke(waiver=item, by=request.user, via="api")
        return Response(WaiverOut(_fresh(found, item.pk), context={"now": timezone.now()}).data)
