"""Survey waves of an organization: read by its members, opened and closed by its admins."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import OrganizationView, StrictSerializer, id_field
from assessor.api.errors import Conflict
from assessor.api.pagination import Pagination
from assessor.api.permissions import require_org_admin, visible_teams
from assessor.models import Organization
from surveys.models import Wave
from surveys.services.waves import WaveStateRefused, wave_close, wave_open, wave_reopen

TAG = ["surveys"]
STATES = ("scheduled", "open", "closed")


class InstrumentRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    version = serializers.IntegerField()


class WaveOut(serializers.ModelSerializer):
    instrument = InstrumentRefOut()
    state = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField(help_text="Invited teams you may see.")

    class Meta:
        model = Wave
        fields = ["id", "name", "instrument", "opens_at", "closes_at", "state", "anonymous", "min_responses", "teams"]

    def get_state(self, wave: Wave) -> str:
        return wave.state(self.context["now"])

    def get_teams(self, wave: Wave) -> list[int]:
        return [team.pk for team in wave.visible_teams]  # type: ignore[attr-defined]


class WaveFilter(serializers.Serializer):
    state = serializers.ChoiceField(choices=STATES, required=False)
    team = id_field(required=False, help_text="Only waves this team is invited to.")


def waves_for(organization: Organization, request: Request) -> QuerySet[Wave]:
    teams = visible_teams(request.user, organization).order_by("pk")
    return (
        Wave.objects.filter(organization=organization)
        .select_related("instrument")
        .prefetch_related(Prefetch("teams", queryset=teams, to_attr="visible_teams"))
    )


def _state_filter(waves: QuerySet[Wave], state: str, now: datetime) -> QuerySet[Wave]:
    if state == "scheduled":
        return waves.filter(opens_at__gt=now)
    if state == "open":
        return waves.open_at(now)
    return waves.filter(closes_at__lte=now)


class WaveList(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[WaveFilter], responses=WaveOut(many=True), summary="Waves of an organization")
    def get(self, request: Request, org: str) -> Response:
        filters, now = self.filters(WaveFilter), timezone.now()
        waves = waves_for(self.organization, request)
        if "state" in filters:
            waves = _state_filter(waves, filters["state"], now)
        if "team" in filters:
            waves = waves.filter(teams=filters["team"], teams__in=visible_teams(request.user, self.organization))
        return self.page(waves.order_by("-opens_at", "pk"), WaveOut, now=now)


def wave_or_404(organization: Organization, request: Request, wave_id: int) -> Wave:
    wave = waves_for(organization, request).filter(pk=wave_id).first()
    if wave is None:
        raise NotFound(f"No wave {wave_id} in {organization.name}.")
    return wave


class WaveDetail(OrganizationView):
    @extend_schema(tags=TAG, responses=WaveOut, summary="One wave")
    def get(self, request: Request, org: str, wave: int) -> Response:
        return Response(WaveOut(wave_or_404(self.organization, request, wave), context={"now": timezone.now()}).data)


class WaveStateOut(WaveOut):
    changed = serializers.BooleanField()

    class Meta(WaveOut.Meta):
        fields = [*WaveOut.Meta.fields, "changed"]


class _WaveChange(OrganizationView):
    def change(self, request: Request, wave_id: int, *, opening: bool) -> Response:
        require_org_admin(request.user, self.organization)
        wave = wave_or_404(self.organization, request, wave_id)
        now = timezone.now()
        try:
            changed = (wave_open if opening else wave_close)(wave=wave, now=now)
        except WaveStateRefused as exc:
            raise Conflict(str(exc), code=exc.code) from exc
        wave.refresh_from_db(fields=["opens_at", "closes_at"])
        wave.changed = changed  # type: ignore[attr-defined]
        return Response(WaveStateOut(wave, context={"now": now}).data)


WAVE_CHANGE_RESPONSES = {
    200: WaveStateOut,
    409: OpenApiResponse(description="The wave is in a state that does not allow this."),
}


class WaveOpen(_WaveChange):
    @extend_schema(tags=TAG, request=None, responses=WAVE_CHANGE_RESPONSES, summary="Open a scheduled wave now (admins)")
    def post(self, request: Request, org: str, wave: int) -> Response:
        return self.change(request, wave, opening=True)


class WaveClose(_WaveChange):
    @extend_schema(tags=TAG, request=None, responses=WAVE_CHANGE_RESPONSES, summary="Close an open wave now (admins)")
    def post(self, request: Request, org: str, wave: int) -> Response:
        return self.change(request, wave, opening=False)


class WaveReopenIn(StrictSerializer):
    closes_at = serializers.DateTimeField(help_text="When the reopened wave closes again; in the future.")


class WaveReopen(OrganizationView):
    @extend_schema(
        tags=TAG,
        request=WaveReopenIn,
        responses={200: WaveOut, 409: OpenApiResponse(description="The wave has not closed, or closes_at is not in the future.")},
        summary="Reopen a closed wave until a new closing time (admins); its releases become superseded",
    )
    def post(self, request: Request, org: str, wave: int) -> Response:
        require_org_admin(request.user, self.organization)
        target = wave_or_404(self.organization, request, wave)
        body = self.body(WaveReopenIn)
        now = timezone.now()
        try:
            wave_reopen(wave=target, now=now, closes_at=body["closes_at"])
        except WaveStateRefused as exc:
            raise Conflict(str(exc), code=exc.code) from exc
        return Response(WaveOut(target, context={"now": now}).data)
