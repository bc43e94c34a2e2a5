"""The gap and trend reports, computed only from the teams the caller may see."""

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
from assessor.api.permissions import team_or_404, visible_teams
from assessor.models import TeamGroup
from assessor.scoring.cooperation import COOPERATION_COLUMNS, cooperation_matrix, unmet_needs
from assessor.scoring.frames import ASPECTS
from collectors.selectors import evidenced_capabilities_frame
from reports.api.frames import hide_small_anonymous, links_frame, records, teams_frame, waves_frame
from reports.frames.gaps import PERCEPTION_TABLE_COLUMNS, TARGET_GAP_COLUMNS, perception_frame, perception_table, target_gaps
from reports.frames.trends import SCOPES, TREND_COLUMNS, trend_frame
from reports.selectors import latest_scores
from surveys.selectors import answers_frame

TAG = ["reports"]


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


def _report_wave(waves: pd.DataFrame, wave_id: int | None) -> int | None:
    """The wave asked for, else the newest that has opened."""
    if wave_id is not None:
        if wave_id not in set(waves["wave_id"]):
            raise NotFound(f"No wave {wave_id} in this organization.")
        return wave_id
    started = waves[waves["opens_at"] <= timezone.now()]
    if started.empty:
        return None
    return int(started.sort_values(["opens_at", "wave_id"]).iloc[-1]["wave_id"])


def _unmet_rows(unmet: pd.DataFrame, teams: pd.DataFrame) -> list[dict[str, Any]]:
    if unmet.empty:
        return []
    named = unmet.merge(teams[["team_id", "team"]], on="team_id")
    return records(named, ["team_id", "team", "capability", "reason", "delivery", "wait"])


class GapReport(OrganizationView):
    @extend_schema(tags=TAG, parameters=[GapFilter], responses=GapReportOut, summary="Target, perception and cooperation gaps")
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(GapFilter)
        waves = waves_frame(self.organization)
        wave_id = _report_wave(waves, filters.get("wave"))
        teams = teams_frame(visible_teams(request.user, self.organization))
        empty = {"wave_id": wave_id, "target_gaps": [], "perception_gaps": [], "cooperation": [], "unmet_needs": []}
        if wave_id is None or teams.empty:
            return Response(GapReportOut(empty).data)
        team_ids = [int(team) for team in teams["team_id"]]
        scores = hide_small_anonymous(latest_scores(wave_ids=[wave_id], team_ids=team_ids), waves)
        answers = answers_frame(wave_ids=[wave_id], team_ids=team_ids)
        links = links_frame(team_ids)
        perception = perception_frame(scores, answers, links) if not scores.empty else pd.DataFrame()
        matrix = cooperation_matrix(answers, links, evidenced_capabilities_frame(team_ids=team_ids))
        report = {
            "wave_id": wave_id,
            "target_gaps": records(target_gaps(scores, teams, ASPECTS), TARGET_GAP_COLUMNS) if not scores.empty else [],
            "perception_gaps": records(perception_table(perception, teams, ASPECTS), PERCEPTION_TABLE_COLUMNS)
            if not perception.empty
            else [],
            "cooperation": records(matrix, [c for c in COOPERATION_COLUMNS if c != "wave_id"]),
            "unmet_needs": _unmet_rows(unmet_needs(answers, links), teams),
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
        teams = teams_frame(visible_teams(request.user, self.organization))
        waves = waves_frame(self.organization)
        team_ids = [int(team) for team in teams["team_id"]]
        scores = hide_small_anonymous(latest_scores(wave_ids=list(waves["wave_id"]), team_ids=team_ids), waves)
        points = trend_frame(scores, waves, teams, ASPECTS, scope=scope, key=key) if not scores.empty else pd.DataFrame()
        if "aspect" in filters and not points.empty:
            points = points[points["aspect"] == filters["aspect"]]
        return Response(TrendReportOut({"scope": scope, "key": key, "points": records(points, TREND_COLUMNS)}).data)
