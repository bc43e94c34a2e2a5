"""Score snapshots: the newest per wave, team and aspect, and a team's full history."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import OrganizationView, id_field
from assessor.api.pagination import Pagination
from assessor.api.permissions import team_id_in
from assessor.models import Team
from assessor.scoring.frames import ASPECTS
from assessor.scoring.rubric import available_versions
from reports.api.rows import records
from reports.frames.common import newest_wave_rows
from reports.models import ScoreSnapshot
from reports.selectors import SCORE_FIELDS, latest_scores, scope_for, team_snapshots, waves_frame

TAG = ["scores"]


class ScoreOut(serializers.Serializer):
    wave_id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    team = serializers.CharField(help_text="The team's name.")
    team_slug = serializers.CharField()
    aspect = serializers.CharField()
    rubric_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    score = serializers.FloatField()
    level = serializers.IntegerField()
    respondents = serializers.IntegerField()
    spread = serializers.FloatField()
    disagreement = serializers.BooleanField()
    evidence_floor = serializers.IntegerField(allow_null=True)
    evidence_ceiling = serializers.IntegerField(allow_null=True)
    evidence_items = serializers.IntegerField()
    evidence_observed_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField(help_text="Claim against evidence: " + ", ".join(ScoreSnapshot.Status.values) + ".")
    confidence = serializers.FloatField()
    confidence_label = serializers.CharField()
    target_level = serializers.IntegerField(allow_null=True)
    gap = serializers.IntegerField(allow_null=True)
    unverified = serializers.BooleanField()


def known_rubric(value: str) -> str:
    """A rubric version that ships with the service; any other is a 400 naming the ones that do."""
    versions = available_versions()
    if value not in versions:
        raise serializers.ValidationError(f"No rubric {value!r}; choose one of {', '.join(versions)}.")
    return value


class ScoreFilter(serializers.Serializer):
    wave = id_field(required=False, help_text="Scores of this wave; else each team's newest.")
    team = id_field(required=False)
    kind = serializers.ChoiceField(choices=Team.Kind.choices, required=False)
    aspect = serializers.ChoiceField(choices=ASPECTS, required=False)
    rubric = serializers.CharField(required=False, max_length=20, help_text="Rubric version; the newest by default.")

    def validate_rubric(self, value: str) -> str:
        return known_rubric(value)


class ScoreList(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[ScoreFilter], responses=ScoreOut(many=True), summary="Newest scores per team")
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(ScoreFilter)
        scope = scope_for(request.user, self.organization)
        teams = scope.teams
        if "kind" in filters:
            teams = teams[teams["kind"] == filters["kind"]]
        if "team" in filters:
            teams = teams[teams["team_id"] == filters["team"]]
        waves = waves_frame(self.organization)
        wave_ids = [filters["wave"]] if "wave" in filters else list(waves["wave_id"])
        scores = latest_scores(scope, wave_ids=wave_ids, team_ids=list(teams["team_id"]), rubric_version=filters.get("rubric"))
        if "wave" not in filters:
            scores = newest_wave_rows(scores, waves)
        if "aspect" in filters and not scores.empty:
            scores = scores[scores["aspect"] == filters["aspect"]]
        if not scores.empty:
            order = {aspect: index for index, aspect in enumerate(ASPECTS)}
            scores = scores.assign(_order=scores["aspect"].map(order)).sort_values(["wave_id", "team_id", "_order"])
        if not scores.empty:
            names = teams[["team_id", "team", "slug"]].rename(columns={"slug": "team_slug"})
            scores = scores.merge(names, on="team_id", how="left")
        return self.page(records(scores, [*SCORE_FIELDS, "team", "team_slug"]), ScoreOut)


class HistoryFilter(serializers.Serializer):
    wave = id_field(required=False)
    aspect = serializers.ChoiceField(choices=ASPECTS, required=False)
    rubric = serializers.CharField(required=False, max_length=20)

    def validate_rubric(self, value: str) -> str:
        return known_rubric(value)


class SnapshotOut(ScoreOut):
    id = serializers.IntegerField()
    team = serializers.CharField(source="team.name", help_text="The team's name.")
    team_slug = serializers.CharField(source="team.slug")


class TeamScoreHistory(OrganizationView):
    pagination_class = Pagination

    @extend_schema(
        tags=TAG,
        parameters=[HistoryFilter],
        responses=SnapshotOut(many=True),
        summary="Every score snapshot of a team, oldest wave first (all rubric versions)",
    )
    def get(self, request: Request, org: str, team: str) -> Response:
        filters = self.filters(HistoryFilter)
        scope = scope_for(request.user, self.organization)
        team_id = team_id_in(zip(scope.team_ids, scope.teams["slug"], strict=True), team)
        if team_id is None:
            raise NotFound(f"No team {team} that you may see in {self.organization.name}.")
        snapshots = team_snapshots(scope, team_id).select_related("team")
        if "wave" in filters:
            snapshots = snapshots.filter(wave_id=filters["wave"])
        if "aspect" in filters:
            snapshots = snapshots.filter(aspect=filters["aspect"])
        if "rubric" in filters:
            snapshots = snapshots.filter(rubric_version=filters["rubric"])
        ordered = snapshots.order_by("wave__opens_at", "wave_id", "aspect", "computed_at", "pk")
        return self.page(ordered, SnapshotOut)
