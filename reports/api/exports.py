"""Exports (admins only): the anonymized TAG export of a closed wave, and every answer, streamed.

The TAG export is meant to leave the organization: admins download it and hand it to reviewers, so no
separate reviewer credential exists. Free text is left out unless the admin asks for it with
`release_text=true`, and even then only groups of k or more texts appear.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from assessor.access import organizations_for
from assessor.api.base import ApiView, id_field
from assessor.api.errors import Conflict
from assessor.api.permissions import administered_organizations, require_org_admin
from reports import conf
from reports.export.selectors import (
    ANSWER_EXPORT_COLUMNS,
    ANSWER_TEXT_COLUMNS,
    ANSWER_TIME_COLUMNS,
    answer_chunks,
    tag_input,
)
from reports.export.tag import FORMAT_VERSION, build_tag_export
from reports.export.writers import answers_csv, answers_json, tag_csv
from surveys.models import Wave

TAG = ["exports"]
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / f"tag-export-{FORMAT_VERSION}.schema.json"
FORMATS = ("json", "csv")


def min_group_size() -> int:
    """TAG_EXPORT_MIN_GROUP: the fewest respondents behind any published figure (default 5)."""
    return conf.export_min_group()


class _ExportView(ApiView):
    """`?format=` names the file format here; errors are always JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        renderer = JSONRenderer()
        return renderer, renderer.media_type


class TagExportFilter(serializers.Serializer):
    wave = id_field()
    format = serializers.ChoiceField(choices=FORMATS, required=False, default="json")
    release_text = serializers.BooleanField(
        required=False, default=False, help_text="Include free-text answers (groups of k or more only). Off by default."
    )


class TagExport(_ExportView):
    @extend_schema(
        tags=TAG,
        parameters=[TagExportFilter],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="Format tag-export version 1; see /api/v1/export/tag/schema/."
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same figures in long form."),
            409: OpenApiResponse(description="The wave has not closed yet."),
        },
        summary="Anonymized aggregates of a closed wave for TAG reviews (admins)",
    )
    def get(self, request: Request) -> HttpResponse:
        filters = self.filters(TagExportFilter)
        wave = (
            Wave.objects.select_related("organization", "instrument")
            .filter(pk=filters["wave"], organization__in=organizations_for(request.user))
            .first()
        )
        if wave is None:
            raise NotFound(f"No wave {filters['wave']} in an organization you belong to.")
        require_org_admin(request.user, wave.organization)
        now = timezone.now()
        if not wave.has_closed(now):
            raise Conflict(
                "Only closed waves are exported: while a wave runs, two exports could be subtracted to isolate "
                "the answers that came in between.",
                code="wave_not_closed",
            )
        document = build_tag_export(tag_input(wave), k=min_group_size(), now=now, release_text=filters["release_text"])
        name = f"tag-export-{FORMAT_VERSION}-{document['context']['closed_in']}"
        if filters["format"] == "csv":
            response = HttpResponse(tag_csv(document), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        return Response(document, headers={"Content-Disposition": f'inline; filename="{name}.json"'})


class TagExportSchema(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(tags=TAG, responses={(200, "application/schema+json"): OpenApiTypes.OBJECT}, summary="JSON Schema")
    def get(self, request: Request) -> HttpResponse:
        response = FileResponse(SCHEMA_FILE.open("rb"), content_type="application/schema+json")
        response["Cache-Control"] = "public, max-age=3600"
        return response


class AnswerRowOut(serializers.Serializer):
    answer_id = serializers.IntegerField()
    response_id = serializers.IntegerField()
    wave_id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    team_kind = serializers.CharField()
    role = serializers.CharField()
    response_status = serializers.CharField()
    question_key = serializers.CharField()
    qtype = serializers.CharField()
    aspect = serializers.CharField(allow_null=True)
    perspective = serializers.CharField()
    capability = serializers.CharField(allow_null=True)
    value = serializers.JSONField(help_text="The answer as stored: a string, number or list of strings.")
    value_text = serializers.CharField(allow_blank=True)
    level = serializers.FloatField(allow_null=True)
    updated_at = serializers.DateTimeField()


class AnswerExportFilter(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS, required=False, default="csv")
    organization = serializers.SlugField(required=False, max_length=80, help_text="Only this organization.")
    wave = id_field(required=False, help_text="Only this wave.")


class AnswerExport(_ExportView):
    @extend_schema(
        tags=TAG,
        parameters=[AnswerExportFilter],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Columns: " + ", ".join(ANSWER_EXPORT_COLUMNS)),
            (200, "application/json"): OpenApiResponse(AnswerRowOut(many=True), description="A JSON array, streamed."),
        },
        summary="Every answer of the organizations you administer, streamed (admins)",
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        filters = self.filters(AnswerExportFilter)
        organizations = self._organizations(request, filters.get("organization"))
        chunks = answer_chunks(
            organization_ids=None if organizations is None else [o.pk for o in organizations],
            wave_ids=[filters["wave"]] if "wave" in filters else None,
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if filters["format"] == "json":
            body = answers_json(ANSWER_EXPORT_COLUMNS, chunks, raw_json_columns=["value"])
            response = StreamingHttpResponse(body, content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="answers-{stamp}.json"'
        else:
            body = answers_csv(ANSWER_EXPORT_COLUMNS, chunks, text_columns=ANSWER_TEXT_COLUMNS, time_columns=ANSWER_TIME_COLUMNS)
            response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="answers-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response

    def _organizations(self, request: Request, slug: str | None) -> list[Any] | None:
        """None means every organization (a superuser without a filter)."""
        if slug is not None:
            organization = organizations_for(request.user).filter(slug=slug).first()
            if organization is None:
                raise NotFound(f"No organization {slug!r} that you belong to.")
            require_org_admin(request.user, organization)
            return [organization]
        if request.user.is_superuser:
            return None
        administered = administered_organizations(request.user)
        if not administered:
            raise PermissionDenied("Only organization admins may export answers.")
        return administered
