"""Triggering collection (admins) and reading collection runs (of the teams the caller may see)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.api.base import OrganizationView, StrictSerializer, id_field
from assessor.api.errors import BadRequest
from assessor.api.pagination import Pagination
from assessor.api.permissions import require_org_admin, visible_teams
from collectors.models import CollectionRun
from collectors.services import collection_enqueue, organization_sources

TAG = ["evidence"]
MAX_TEAMS = 1000


class CollectIn(StrictSerializer):
    teams = serializers.ListField(
        child=id_field(),
        required=False,
        allow_empty=False,
        max_length=MAX_TEAMS,
        help_text="Collect only these teams' repositories and clusters; the whole organization by default.",
    )


class JobOut(serializers.Serializer):
    job = serializers.UUIDField(help_text="The Celery task id; the runs it records appear under runs/.")
    source_kind = serializers.ChoiceField(choices=["repository", "cluster"])
    source_id = serializers.IntegerField()
    team_id = serializers.IntegerField()


class CollectOut(serializers.Serializer):
    queued = serializers.IntegerField()
    jobs = JobOut(many=True)


class CollectionTrigger(OrganizationView):
    @extend_schema(
        tags=TAG,
        request=CollectIn,
        responses={202: CollectOut},
        summary="Collect evidence now (admins); returns one job per repository or cluster",
    )
    def post(self, request: Request, org: str) -> Response:
        require_org_admin(request.user, self.organization)
        wanted = self.body(CollectIn).get("teams")
        sources = organization_sources(self.organization)
        if wanted is not None:
            unknown = sorted(set(wanted) - set(visible_teams(request.user, self.organization).values_list("pk", flat=True)))
            if unknown:
                raise BadRequest(f"teams: no such team in {self.organization.name}: {unknown[:10]}", details={"teams": unknown})
            sources = [source for source in sources if source.team_id in set(wanted)]
        with transaction.atomic():
            jobs = collection_enqueue(organization=self.organization, sources=sources)
        return Response(CollectOut({"queued": len(jobs), "jobs": jobs}).data, status=status.HTTP_202_ACCEPTED)


class RunOut(serializers.ModelSerializer):
    repository = serializers.CharField(source="repository.name", allow_null=True, default=None)
    cluster = serializers.CharField(source="cluster.name", allow_null=True, default=None)

    class Meta:
        model = CollectionRun
        fields = [
            "id",
            "team_id",
            "repository",
            "cluster",
            "collector",
            "status",
            "trigger",
            "started_at",
            "finished_at",
            "signal_count",
            "api_calls",
            "complete",
            "skipped",
            "error",
            "retryable",
            "job_id",
        ]


class RunFilter(serializers.Serializer):
    team = id_field(required=False)
    status = serializers.ChoiceField(choices=CollectionRun.Status.choices, required=False)
    job = serializers.CharField(required=False, max_length=64, help_text="A job id returned when collection was asked for.")


class CollectionRunList(OrganizationView):
    pagination_class = Pagination

    @extend_schema(tags=TAG, parameters=[RunFilter], responses=RunOut(many=True), summary="Collection runs, newest first")
    def get(self, request: Request, org: str) -> Response:
        filters = self.filters(RunFilter)
        runs = CollectionRun.objects.filter(team__in=visible_teams(request.user, self.organization)).select_related(
            "repository", "cluster"
        )
        if "team" in filters:
            runs = runs.filter(team_id=filters["team"])
        if "status" in filters:
            runs = runs.filter(status=filters["status"])
        if "job" in filters:
            runs = runs.filter(job_id=filters["job"])
        return self.page(runs.order_by("-started_at", "-id"), RunOut)
