"""Exports (admins only): the anonymized TAG export of a closed wave, its releases, and every answer, streamed.

The TAG export is meant to leave the organization: admins download it and hand it to reviewers, so no
separate reviewer credential exists. Each export of a closed wave is a release, stored when first
published and served unchanged afterwards (see reports.export.releases). Free text is left out unless
the admin asks for it with `release_text=true`, and even then only groups of k or more texts appear,
scrubbed of addresses, links, handles and known names; the preview shows them before anything is published.
"""

from __future__ import annotations

import json
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
from assessor.api.base import ApiView, StrictSerializer, id_field
from assessor.api.errors import Conflict
from assessor.api.permissions import administered_organizations, require_org_admin
from reports import conf
from reports.export.releases import (
    ReleaseRefused,
    current_release,
    not_closed_message,
    release_draft,
    release_for_download,
    release_publish,
    releases_of,
    served_document,
)
from reports.export.selectors import (
    ANSWER_EXPORT_COLUMNS,
    ANSWER_TEXT_COLUMNS,
    ANSWER_TIME_COLUMNS,
    answer_chunks,
)
from reports.export.tag import FORMAT_VERSION
from reports.export.writers import answers_csv, answers_json, tag_csv
from reports.models import Release
from surveys.models import Wave

TAG = ["exports"]
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_VERSIONS = (1, 2, 3)
SCHEMA_FILE = SCHEMA_DIR / f"tag-export-{FORMAT_VERSION}.schema.json"
FORMATS = ("json", "csv")


def min_group_size() -> int:
    """TAG_EXPORT_MIN_GROUP: the fewest respondents behind any published figure (default 5)."""
    return conf.export_min_group()


class _ExportView(ApiView):
    """`?format=` names the file format here; errors are always JSON."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[Any, str]:
        renderer = JSONRenderer()
        return renderer, renderer.media_type


def admin_wave(request: Request, wave_id: int) -> Wave:
    """The wave, for an admin of its organization (404 outside the reader's organizations, 403 for non-admins)."""
    wave = (
        Wave.objects.select_related("organization", "instrument")
        .filter(pk=wave_id, organization__in=organizations_for(request.user))
        .first()
    )
    if wave is None:
        raise NotFound(f"No wave {wave_id} in an organization you belong to.")
    require_org_admin(request.user, wave.organization)
    return wave


def _closed(wave: Wave) -> None:
    if not wave.has_closed(timezone.now()):
        raise Conflict(not_closed_message(wave), code="wave_not_closed")


def _refused(exc: ReleaseRefused) -> Conflict:
    return Conflict(str(exc), code=exc.code, details=exc.details)


def release_response(release: Release, file_format: str) -> HttpResponse:
    """A stored release as published (JSON: the stored text itself unless superseded), or as long-form CSV."""
    document = served_document(release)
    name = f"tag-export-{document['format_version']}-{document['context']['closed_in']}-release-{release.number}"
    if file_format == "csv":
        response = HttpResponse(tag_csv(document), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        body = json.dumps(document, ensure_ascii=False) if release.superseded else release.document
        response = HttpResponse(body.encode(), content_type="application/json")
        response["Content-Disposition"] = f'inline; filename="{name}.json"'
    response["X-Release-Number"] = str(release.number)
    response["X-Release-Sha256"] = release.document_sha256
    response["X-Release-Superseded"] = "true" if release.superseded else "false"
    response["Cache-Control"] = "no-store"
    return response


class TagExportFilter(serializers.Serializer):
    wave = id_field()
    format = serializers.ChoiceField(choices=FORMATS, required=False, default="json")
    release_text = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For the wave's first release: include free-text answers (groups of k or more, scrubbed). Off by "
        "default. Once a release exists it is served as published; asking for the other choice is a 409.",
    )


RELEASE_HEADERS = "Headers X-Release-Number, X-Release-Sha256 (of the stored JSON) and X-Release-Superseded."


class TagExport(_ExportView):
    @extend_schema(
        tags=TAG,
        parameters=[TagExportFilter],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Format tag-export version 3; see /api/v1/export/tag/schema/. " + RELEASE_HEADERS,
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same figures in long form."),
            409: OpenApiResponse(
                description="The wave has not closed, its release differs from the choice asked for, or a new release "
                "would differ from an earlier one by fewer than k respondents (details name the figures)."
            ),
        },
        summary="The current release of a closed wave for TAG reviews, published on first request (admins)",
    )
    def get(self, request: Request) -> HttpResponse:
        filters = self.filters(TagExportFilter)
        wave = admin_wave(request, filters["wave"])
        _closed(wave)
        release = current_release(wave)
        wanted = filters.get("release_text")
        if release is None:
            try:
                release, _ = release_publish(
                    wave=wave, now=timezone.now(), k=min_group_size(), release_text=bool(wanted), user=request.user
                )
            except ReleaseRefused as exc:
                raise _refused(exc) from exc
        elif wanted is not None and wanted != release.release_text:
            held = "with" if release.release_text else "without"
            raise Conflict(
                f"Release {release.number} of this wave was published {held} free text and is served as published. "
                "Publish a new release (POST /api/v1/export/tag/releases/) to change that, or leave out release_text.",
                code="release_differs",
            )
        return release_response(release, filters["format"])


class SchemaFilter(serializers.Serializer):
    version = serializers.ChoiceField(
        choices=SCHEMA_VERSIONS, required=False, help_text=f"Format version (default {FORMAT_VERSION}, the current one)."
    )


class TagExportSchema(ApiView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAG,
        parameters=[SchemaFilter],
        responses={(200, "application/schema+json"): OpenApiTypes.OBJECT},
        summary="JSON Schema",
    )
    def get(self, request: Request) -> HttpResponse:
        version = self.filters(SchemaFilter).get("version", FORMAT_VERSION)
        path = SCHEMA_DIR / f"tag-export-{version}.schema.json"
        response = FileResponse(path.open("rb"), content_type="application/schema+json")
        response["Cache-Control"] = "public, max-age=3600"
        return response


class ReleaseOut(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    inputs_hash = serializers.CharField()
    document_sha256 = serializers.CharField()
    min_group_size = serializers.IntegerField()
    release_text = serializers.BooleanField()
    scrubbed_texts = serializers.IntegerField(help_text="Released texts in which something was replaced.")
    scrub_replacements = serializers.DictField(child=serializers.IntegerField(), help_text="Replacements per kind.")
    superseded = serializers.BooleanField()
    superseded_at = serializers.DateTimeField(allow_null=True)


class ReleaseListFilter(serializers.Serializer):
    wave = id_field()


class ReleaseIn(StrictSerializer):
    wave = id_field()
    release_text = serializers.BooleanField(required=False, default=False, help_text="Include scrubbed free text.")


class ReleaseList(ApiView):
    @extend_schema(
        tags=TAG, parameters=[ReleaseListFilter], responses=ReleaseOut(many=True), summary="Releases of a wave (admins)"
    )
    def get(self, request: Request) -> Response:
        wave = admin_wave(request, self.filters(ReleaseListFilter)["wave"])
        return Response(ReleaseOut(releases_of(wave), many=True).data)

    @extend_schema(
        tags=TAG,
        request=ReleaseIn,
        responses={
            201: ReleaseOut,
            200: OpenApiResponse(ReleaseOut, description="The current release already holds these data and choices."),
            409: OpenApiResponse(
                description="The wave is open, or a figure would differ from an earlier release by fewer than k "
                "respondents: details list each {cell, release, change}."
            ),
        },
        summary="Publish the next release of a closed wave (admins)",
    )
    def post(self, request: Request) -> Response:
        body = self.body(ReleaseIn)
        wave = admin_wave(request, body["wave"])
        try:
            release, created = release_publish(
                wave=wave, now=timezone.now(), k=min_group_size(), release_text=body["release_text"], user=request.user
            )
        except ReleaseRefused as exc:
            raise _refused(exc) from exc
        return Response(ReleaseOut(release).data, status=201 if created else 200)


class ReleaseDownloadFilter(serializers.Serializer):
    wave = id_field()
    format = serializers.ChoiceField(choices=FORMATS, required=False, default="json")


class ReleaseDownload(_ExportView):
    @extend_schema(
        tags=TAG,
        parameters=[ReleaseDownloadFilter],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="As stored. " + RELEASE_HEADERS),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The same figures in long form."),
        },
        summary="One stored release, superseded ones included (admins)",
    )
    def get(self, request: Request, number: int) -> HttpResponse:
        filters = self.filters(ReleaseDownloadFilter)
        wave = admin_wave(request, filters["wave"])
        release = release_for_download(wave, number)
        if release is None:
            raise NotFound(f"Wave {wave.pk} has no release {number}.")
        return release_response(release, filters["format"])


class ConflictOut(serializers.Serializer):
    cell = serializers.CharField()
    release = serializers.IntegerField()
    change = serializers.CharField()


class FreeTextOut(serializers.Serializer):
    question = serializers.CharField()
    team_kind = serializers.CharField()
    texts = serializers.ListField(child=serializers.CharField())


class PreviewOut(serializers.Serializer):
    number = serializers.IntegerField(help_text="The number the release would get.")
    publishable = serializers.BooleanField()
    refusal = serializers.CharField(allow_blank=True, help_text="Why it would be refused; empty when publishable.")
    conflicts = ConflictOut(many=True)
    min_group_size = serializers.IntegerField()
    scrubbed_texts = serializers.IntegerField()
    scrub_replacements = serializers.DictField(child=serializers.IntegerField())
    free_text = FreeTextOut(many=True, help_text="The texts the release would hold, scrubbed.")


class PreviewFilter(serializers.Serializer):
    wave = id_field()


class ReleasePreview(ApiView):
    @extend_schema(
        tags=TAG,
        parameters=[PreviewFilter],
        responses={200: PreviewOut, 409: OpenApiResponse(description="The wave has not closed yet.")},
        summary="What the next release of a closed wave would hold, free text scrubbed; nothing is stored (admins)",
    )
    def get(self, request: Request) -> Response:
        wave = admin_wave(request, self.filters(PreviewFilter)["wave"])
        _closed(wave)
        draft = release_draft(wave=wave, now=timezone.now(), k=min_group_size(), release_text=True)
        counts = draft.built.scrubbed.as_dict() if draft.built.scrubbed else {"texts": 0, "replacements": {}}
        data = {
            "number": draft.number,
            "publishable": not draft.conflicts,
            "refusal": draft.refusal,
            "conflicts": [{"cell": c.cell, "release": c.release, "change": c.change} for c in draft.conflicts],
            "min_group_size": draft.k,
            "scrubbed_texts": counts["texts"],
            "scrub_replacements": counts["replacements"],
            "free_text": draft.built.document["free_text"] or [],
        }
        return Response(PreviewOut(data).data)


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
