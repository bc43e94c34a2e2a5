"""The CI evidence push, which the collectors app serves at POST /api/v1/evidence/, described in the schema.

The collectors' URL is matched before the API's, so in the running service this view is never reached;
it exists so the OpenAPI schema documents the endpoint, and it hands any request it does get to the
collectors' own view, so schema and behaviour cannot drift apart.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from assessor.api.base import ApiView
from collectors.views import ci_evidence


class CiPushOut(serializers.Serializer):
    run = serializers.IntegerField()
    repository = serializers.CharField()
    status = serializers.CharField()
    signals = serializers.IntegerField()


class CiEvidencePush(ApiView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["evidence"],
        request=OpenApiTypes.OBJECT,
        responses={
            201: CiPushOut,
            401: OpenApiResponse(description="No CI token, or one that is unknown or revoked."),
            413: OpenApiResponse(description="The body is larger than the limit."),
        },
        summary="Push signals from CI (served by the collectors app)",
        description=(
            "Authenticate with the repository's CI token as `Authorization: Bearer <token>` (not an API token). "
            "The body follows collectors/data/ci-evidence.schema.json."
        ),
    )
    def post(self, request: Request) -> HttpResponse:
        return ci_evidence(request._request)
