"""The OpenAPI description of the API's error responses: every operation documents its 4xx answers with
the one error body, so clients (and schemathesis) can rely on its shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ERROR_DESCRIPTIONS = {
    "400": "The request is not valid; details say which field or parameter and why.",
    "401": "No credentials, or credentials that are not valid (use a token or a session).",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such object, or none that you may see.",
    "415": "The body is not JSON.",
}


# Path parameters every app's API shares (`assessor.api.urls`), described once here for every operation.
PATH_PARAMETER_DESCRIPTIONS = {
    "org": "The organization's slug.",
    "team": "The team's id or slug (digits are read as the id first).",
    "wave": "The wave's id.",
}


class ErrorDetailOut(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(allow_null=True)


class ErrorOut(serializers.Serializer):
    error = ErrorDetailOut()


class ApiAutoSchema(AutoSchema):
    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            description = PATH_PARAMETER_DESCRIPTIONS.get(parameter["name"])
            if description and not parameter.get("description"):
                parameter["description"] = description
        return parameters

    def _error_codes(self) -> list[str]:
        codes = ["400", "403", "404"]
        if not any(permission is AllowAny for permission in getattr(self.view, "permission_classes", [])):
            codes.append("401")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        for code in sorted({*self._error_codes(), *(c for c in bodies if c.startswith("4"))}):
            existing = bodies.get(code)
            if existing is not None and "content" in existing:
                continue
            description = existing["description"] if existing else ERROR_DESCRIPTIONS.get(code, "")
            bodies[code] = self._get_response_for_code(
                OpenApiResponse(ErrorOut, description=description), code, ["application/json"], direction
            )
        return bodies
