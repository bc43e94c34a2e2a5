"""One JSON error body for every 4xx the API returns: {"error": {"code", "message", "details"}}.

Install with REST_FRAMEWORK["EXCEPTION_HANDLER"] = "assessor.api.errors.handler"; the API's own views
also use it directly (see `assessor.api.base.ApiView`), so their errors have this shape either way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback


class Conflict(exceptions.APIException):
    """The request cannot be applied to the current state (a stale version, a wave that already closed)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."

    def __init__(self, message: str, *, code: str = "conflict", details: Any = None) -> None:
        super().__init__(detail=message, code=code)
        self.details = details


class BadRequest(exceptions.APIException):
    """A 400 with its own code and structured details, for errors that are not a serializer's."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request is not valid."

    def __init__(self, message: str, *, code: str = "invalid", details: Any = None) -> None:
        super().__init__(detail=message, code=code)
        self.details = details


class ApiError(exceptions.APIException):
    """Any other 4xx, with its own status, code and structured details."""

    def __init__(self, status_code: int, message: str, *, code: str, details: Any = None) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.details = details


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def _flatten(detail: Any, prefix: str = "") -> list[str]:
    """Readable "field: problem" lines from DRF's nested error details."""
    if isinstance(detail, dict):
        lines: list[str] = []
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            lines.extend(_flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix)))
        return lines
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            text = " ".join(str(item) for item in detail)
            return [f"{prefix}: {text}" if prefix else text]
        lines = []
        for index, item in enumerate(detail):
            lines.extend(_flatten(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
        return lines
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def _plain(detail: Any) -> Any:
    """ErrorDetail strings as plain JSON values."""
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain(item) for item in detail]
    return str(detail)


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def _body(exc: exceptions.APIException) -> dict[str, Any]:
    code = _code(exc)
    if isinstance(exc, exceptions.ValidationError):
        lines = _flatten(exc.detail)
        message = "; ".join(lines) if lines else "The request is not valid."
        return error_body(code, message, _plain(exc.detail))
    details = getattr(exc, "details", None)
    message = str(exc.detail) if not isinstance(exc.detail, dict | list) else "; ".join(_flatten(exc.detail))
    return error_body(code, message or exc.default_detail, details)


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF EXCEPTION_HANDLER: every APIException, Http404 and PermissionDenied as one JSON error body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = f"{int(exc.wait)}"  # type: ignore[attr-defined]
    set_rollback()
    return Response(_body(exc), status=exc.status_code, headers=headers)


@csrf_exempt  # a POST to no endpoint is a JSON 404 too, not the CSRF middleware's HTML page
def not_found(request: Request, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any path under /api/v1/ that names no endpoint."""
    return JsonResponse(error_body("not_found", f"No API endpoint at {request.path}."), status=404)
