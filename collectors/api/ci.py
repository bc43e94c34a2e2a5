"""POST /api/v1/evidence/: a CI pipeline pushes signals for its repository (collectors/data/ci-evidence.schema.json).

Authenticated by the repository's CI token as `Authorization: Bearer <token>`, not by an API token. The
body is read here, within its size limit, before anything is parsed; NaN and Infinity literals are kept
as markers so that the push refuses them naming the field (collectors.storable).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from assessor import jsonsafe
from assessor.api.base import ApiView
from assessor.api.errors import ApiError
from collectors import conf
from collectors.pushed import PushError, ci_evidence_push, ci_token_check
from collectors.storable import non_finite_constant


class CiSignalOut(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    detail = serializers.JSONField(required=False)
    observed_at = serializers.DateTimeField()


class CiPushOut(serializers.Serializer):
    run = serializers.IntegerField()
    repository = serializers.CharField()
    status = serializers.CharField()
    signals = CiSignalOut(many=True)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The body may hold at most {limit:,} bytes.", code="too_large")


class CiEvidencePush(ApiView):
    authentication_classes: list[type] = []
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
    def post(self, request: Request) -> Response:
        limit = conf.max_ci_body_bytes()
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > limit:
            raise _too_large(limit)
        try:
            token = ci_token_check(request.headers.get("Authorization", ""))
            body = request._request.read(limit + 1)  # raw, within its limit; `request.data` is never parsed
            if len(body) > limit:
                raise _too_large(limit)
            try:
                payload = jsonsafe.loads(body, parse_constant=non_finite_constant)
            except (ValueError, UnicodeDecodeError) as exc:
                raise ApiError(400, f"The body is not valid JSON: {exc}.", code="invalid_json") from exc
            result = ci_evidence_push(token=token, payload=payload)
        except PushError as exc:
            raise ApiError(exc.status, exc.message, code=exc.code, details=exc.details) from exc
        body_out = {"run": result.run.pk, "repository": str(token.repository), "status": result.run.status}
        return Response({**body_out, "signals": result.signals}, status=201)
