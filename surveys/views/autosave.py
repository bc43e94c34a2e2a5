"""The JSON endpoint the form's script saves drafts through, field by field, as people answer.

Its errors have the API's body, {"error": {"code", "message", "details"}}, with the API's codes and statuses.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from assessor.api.errors import error_body
from surveys import conf, selectors
from surveys.answers import AnswersInvalid
from surveys.services import StaleResponse, SurveyClosed, response_save

INVALID_LINK = "This survey link is not valid: it may be mistyped or withdrawn. Ask whoever sent it for a new one."


class BadRequest(ValueError):
    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def _error(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status)


def _payload(request: HttpRequest) -> tuple[int, dict[str, object], str]:
    limit = conf.max_autosave_bytes()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        raise BadRequest(f"The request is too large (the limit is {limit // 1024} KB).", "payload_too_large")
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise BadRequest("The request is too large.", "payload_too_large") from exc
    if len(body) > limit:
        raise BadRequest(f"The request is too large (the limit is {limit // 1024} KB).", "payload_too_large")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadRequest("The request body is not valid JSON.", "invalid_json") from exc
    if not isinstance(data, dict):
        raise BadRequest('Send a JSON object: {"version": n, "answers": {...}}.')
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise BadRequest("'version' must be the whole number the page was loaded with.")
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise BadRequest("'answers' must be an object of question keys and values.")
    step = data.get("step", "")
    return version, answers, step if isinstance(step, str) and len(step) <= 80 else ""


def autosave(request: HttpRequest, token: str) -> JsonResponse:
    if request.method != "POST":
        refused = _error(405, "method_not_allowed", f'Method "{request.method}" not allowed.')
        refused["Allow"] = "POST"
        return refused
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _error(404, "not_found", INVALID_LINK)
    try:
        version, raw, step = _payload(request)
    except BadRequest as exc:
        return _error(400, exc.code, str(exc))
    response = selectors.invitation_response(invitation)
    sections = invitation.wave.instrument.spec().sections_for(response.role if response else invitation.role)
    step = step if step in {section.key for section in sections} else ""
    try:
        saved = response_save(invitation=invitation, version=version, raw=raw, now=timezone.now(), step=step, user=request.user)
    except AnswersInvalid as exc:
        message = exc.errors.get("", "Some answers were not saved; see the messages next to the fields.")
        return _error(400, "invalid_answers", message, exc.errors)
    except StaleResponse as exc:
        return _error(409, "stale_version", str(exc), {"current_version": exc.current_version})
    except SurveyClosed as exc:
        return _error(409, "wave_not_open", str(exc))
    return JsonResponse(
        {
            "ok": True,
            "version": saved.response.version,
            "status": saved.response.status,
            "answered": saved.answered,
            "total": saved.total,
            "saved_at": saved.response.updated_at.isoformat(),
        }
    )
