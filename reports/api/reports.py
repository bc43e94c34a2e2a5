"""The gap and trend reports: the dashboards' own builders and selectors, serialized."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import OrganizationView, id_field
from assessor.api.permissions import team_or_404
from assessor.models import TeamGroup
from assessor.scoring.cooperation import COOPERATION_COLUMNS
from assessor.scoring.frames import ASPECTS
from assessor.scoring.rubric import load_rubric
from reports.api.rows import records
from reports.dashboards import PageNotFound
from reports.dashboards.delivery import delivery_data
from reports.dashboards.gaps import gaps_data
from reports.dashboards.practices import practices_data
from reports.frames.delivery import METRICS as DELIVERY_METRICS
from reports.frames.gaps import PERCEPTION_TABLE_COLUMNS, TARGET_GAP_COLUMNS
from reports.frames.practices import COMPARISON_COLUMNS as COMPARISON_FIELDS
from reports.frames.trends import SCOPES, TREND_COLUMNS, trend_frame
from reports.selectors import TREND_SCORE_FIELDS, latest_scores, scope_for, waves_frame

TAG = ["reports"]
PRACTICE_ADOPTION_FIELDS = ["practice", "name", "direct", "through_providers_only", "not_adopted", "teams", "share"]


class TargetGapOut(serializers.Serializer):
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    kind = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    aspect = serializers.CharField()
    score = serializers.FloatField()
    level = serializers.IntegerField()
    target_level = serializers.IntegerField()
    gap = serializers.IntegerField()
    confidence_label = serializers.CharField()
    respondents = serializers.IntegerField()


class PerceptionGapOut(serializers.Serializer):
    provider_id = serializers.IntegerField()
    team = serializers.CharField()
    kind = serializers.CharField()
    aspect = serializers.CharField()
    provider_score = serializers.FloatField()
    provider_respondents = serializers.IntegerField()
    consumer_score = serializers.FloatField()
    consumer_respondents = serializers.IntegerField()
    consumer_teams = serializers.IntegerField()
    gap = serializers.FloatField()
    expected_consumer_score = serializers.FloatField(allow_null=True)
    expectation_gap = serializers.FloatField(allow_null=True)


class CooperationOut(serializers.Serializer):
    capability = serializers.CharField()
    demand = serializers.IntegerField()
    supply = serializers.IntegerField()
    evidenced = serializers.BooleanField()
    unmet = serializers.IntegerField()
    delivery_ticket = serializers.IntegerField()
    delivery_standard_tooling = serializers.IntegerField()
    delivery_self_service = serializers.IntegerField()
    delivery_automatic = serializers.IntegerField()
    delivery_not_available = serializers.IntegerField()
    wait_hours = serializers.IntegerField()
    wait_days = serializers.IntegerField()
    wait_weeks = serializers.IntegerField()
    wait_months = serializers.IntegerField()
    typical_wait = serializers.CharField(allow_null=True)


class UnmetNeedOut(serializers.Serializer):
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    capability = serializers.CharField()
    reason = serializers.ChoiceField(choices=["no_provider", "not_available"])
    delivery = serializers.CharField(allow_null=True)
    wait = serializers.CharField(allow_null=True)


class GapReportOut(serializers.Serializer):
    wave_id = serializers.IntegerField(allow_null=True)
    target_gaps = TargetGapOut(many=True)
    perception_gaps = PerceptionGapOut(many=True)
    cooperation = CooperationOut(many=True)
    unmet_needs = UnmetNeedOut(many=True)


class GapFilter(serializers.Serializer):
    wave = id_field(required=False, help_text="The newest wave by default.")


def _unmet_rows(unmet: pd.DataFrame | None, teams: pd.DataFrame) -> list[dict[str, Any]]:
    if unmet is None or unmet.empty:
        return []
    named = unmet.merge(teams[["team_id", "team"]], on="team_id")
    return records(named, ["team_id", "team", "capability", "reason", "delivery", "wait"])


def _rows(frame: pd.DataFrame | None, columns: list[str]) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else records(frame, columns)


class GapReport(OrganizationView):
    @extend_schema(tags=TAG, parameters=[GapFilter], responses=GapReportOut, summary="Target, perception and cooperation gaps")
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(GapFilter)
        scope = scope_for(request.user, self.organization)
        try:
            page = gaps_data(scope, wave_id=filters.get("wave"), now=timezone.now())
        except PageNotFound as exc:
            raise NotFound(str(exc)) from exc
        wave_id = int(page.wave["wave_id"]) if page.wave is not None else None
        report = {
            "wave_id": wave_id,
            "target_gaps": _rows(page.target, TARGET_GAP_COLUMNS),
            "perception_gaps": _rows(page.perception, PERCEPTION_TABLE_COLUMNS),
            "cooperation": _rows(page.matrix, [c for c in COOPERATION_COLUMNS if c != "wave_id"]),
            "unmet_needs": _unmet_rows(page.unmet, scope.teams),
        }
        return Response(GapReportOut(report).data)


class TrendPointOut(serializers.Serializer):
    wave_id = serializers.IntegerField()
    wave = serializers.CharField()
    opens_at = serializers.DateTimeField()
    aspect = serializers.CharField()
    score = serializers.FloatField()
    level = serializers.IntegerField()
    teams = serializers.IntegerField()
    respondents = serializers.IntegerField()


class TrendReportOut(serializers.Serializer):
    scope = serializers.ChoiceField(choices=SCOPES)
    key = serializers.IntegerField(allow_null=True)
    points = TrendPointOut(many=True)


class TrendFilter(serializers.Serializer):
    scope = serializers.ChoiceField(choices=SCOPES, required=False, default="organization")
    key = id_field(required=False, help_text="Group id or team id, for those scopes.")
    aspect = serializers.ChoiceField(choices=ASPECTS, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("scope", "organization") != "organization" and attrs.get("key") is None:
            raise serializers.ValidationError({"key": ["Give the group or team id for this scope."]})
        return attrs


class TrendReport(OrganizationView):
    @extend_schema(tags=TAG, parameters=[TrendFilter], responses=TrendReportOut, summary="Scores per aspect across waves")
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(TrendFilter)
        scope, key = filters["scope"], filters.get("key")
        if scope == "team":
            team_or_404(request.user, self.organization, key)
        elif scope == "group" and not TeamGroup.objects.filter(organization=self.organization, pk=key).exists():
            raise NotFound(f"No group {key} in {self.organization.name}.")
        reader = scope_for(request.user, self.organization)
        waves = waves_frame(self.organization)
        scores = latest_scores(reader, wave_ids=list(waves["wave_id"]), fields=TREND_SCORE_FIELDS)
        banding = load_rubric().banding
        points = (
            trend_frame(scores, waves, reader.teams, ASPECTS, scope=scope, key=key, banding=banding)
            if not scores.empty
            else pd.DataFrame()
        )
        if "aspect" in filters and not points.empty:
            points = points[points["aspect"] == filters["aspect"]]
        return Response(TrendReportOut({"scope": scope, "key": key, "points": records(points, TREND_COLUMNS)}).data)


class PracticeOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class PracticeAdoptionOut(serializers.Serializer):
    practice = serializers.CharField()
    name = serializers.CharField()
    direct = serializers.IntegerField(help_text="Application teams whose own repositories or clusters show the practice.")
    through_providers_only = serializers.IntegerField(help_text="Teams that get it only through the platforms they consume.")
    not_adopted = serializers.IntegerField()
    teams = serializers.IntegerField()
    share = serializers.FloatField()


class PracticeComparisonOut(serializers.Serializer):
    practice = serializers.CharField()
    outcome = serializers.CharField()
    adopters = serializers.IntegerField()
    others = serializers.IntegerField()
    adopters_value = serializers.FloatField(allow_null=True)
    others_value = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True, help_text="Adopters minus the other teams; null below the minimum.")
    low = serializers.FloatField(allow_null=True, help_text="95% bootstrap interval, lower end.")
    high = serializers.FloatField(allow_null=True, help_text="95% bootstrap interval, upper end.")
    enough = serializers.BooleanField(help_text="Both groups have at least `min_teams` teams.")
    sentence = serializers.CharField()


class GapDomainOut(serializers.Serializer):
    capability = serializers.CharField()
    name = serializers.CharField()
    teams_needing = serializers.IntegerField()
    unmet_or_slow = serializers.IntegerField()
    share = serializers.FloatField()


class PracticesReportOut(serializers.Serializer):
    wave_id = serializers.IntegerField(allow_null=True)
    practices_version = serializers.CharField()
    min_teams = serializers.IntegerField()
    comparisons_made = serializers.IntegerField()
    practices = PracticeOut(many=True)
    adoption = PracticeAdoptionOut(many=True)
    comparisons = PracticeComparisonOut(many=True)
    domains = GapDomainOut(many=True)


class PracticesReport(OrganizationView):
    @extend_schema(
        tags=TAG,
        parameters=[GapFilter],
        responses=PracticesReportOut,
        summary="Which delivery practices go with a smaller app/infra gap (associations, not causes)",
    )
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(GapFilter)
        scope = scope_for(request.user, self.organization)
        try:
            page = practices_data(scope, wave_id=filters.get("wave"), now=timezone.now())
        except PageNotFound as exc:
            raise NotFound(str(exc)) from exc
        report = {
            "wave_id": int(page.wave["wave_id"]) if page.wave is not None else None,
            "practices_version": page.catalog_version,
            "min_teams": page.min_teams,
            "comparisons_made": page.comparisons_made,
            "practices": page.practices,
            "adoption": _rows(page.adoption, PRACTICE_ADOPTION_FIELDS),
            "comparisons": _rows(page.comparisons, list(COMPARISON_FIELDS)),
            "domains": _rows(page.domains, ["capability", "name", "teams_needing", "unmet_or_slow", "share"]),
        }
        return Response(PracticesReportOut(report).data)


class DeliveryFilter(serializers.Serializer):
    team = id_field(required=False, help_text="One team's figures; every team the reader may see by default.")


class DeliveryBandsOut(serializers.Serializer):
    version = serializers.CharField()
    year = serializers.IntegerField(help_text="The year of the DORA research the bands come from.")
    source = serializers.CharField()
    url = serializers.CharField()


class DeliveryMetricOut(serializers.Serializer):
    team_id = serializers.IntegerField()
    team = serializers.CharField()
    subject = serializers.CharField(help_text="The repository the figure was collected for.")
    metric = serializers.ChoiceField(choices=DELIVERY_METRICS)
    value = serializers.FloatField(allow_null=True, help_text="Null when this source cannot measure the metric.")
    basis = serializers.CharField(help_text="What counted as a deploy: deployments, deploy_workflow_runs, releases, "
                                  "tags, merges, or ci when pushed from a pipeline.")  # fmt: skip
    basis_label = serializers.CharField()
    band = serializers.CharField(help_text="elite, high, medium or low; empty when there is no figure.")
    band_label = serializers.CharField()
    observed_at = serializers.DateTimeField(allow_null=True)


class DeliveryPointOut(serializers.Serializer):
    team_id = serializers.IntegerField()
    subject = serializers.CharField()
    metric = serializers.ChoiceField(choices=DELIVERY_METRICS)
    basis = serializers.CharField()
    observed_at = serializers.DateTimeField()
    value = serializers.FloatField()


class DeliveryReportOut(serializers.Serializer):
    bands = DeliveryBandsOut()
    metrics = DeliveryMetricOut(many=True)
    history = DeliveryPointOut(many=True)


class DeliveryReport(OrganizationView):
    @extend_schema(
        tags=TAG,
        parameters=[DeliveryFilter],
        responses=DeliveryReportOut,
        summary="Deployment frequency, lead time, change failure rate and time to restore per team, with DORA bands",
    )
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(DeliveryFilter)
        scope = scope_for(request.user, self.organization)
        try:
            page = delivery_data(scope, team_id=filters.get("team"))
        except PageNotFound as exc:
            raise NotFound(str(exc)) from exc
        bands = page.bands
        report = {
            "bands": {"version": bands.version, "year": bands.year, "source": bands.source, "url": bands.source_url},
            "metrics": _rows(page.metrics, [field for field in DeliveryMetricOut().fields]),
            "history": _rows(page.history, [field for field in DeliveryPointOut().fields]),
        }
        return Response(DeliveryReportOut(report).data)
