"""The JSON endpoint the form's script saves drafts through, field by field, as people answer."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from surveys import conf, selectors
from surveys.answers import AnswersInvalid
from surveys.services import StaleResponse, SurveyClosed, response_save

INVALID_LINK = "This survey link is not valid: it may be mistyped or withdrawn. Ask whoever sent it for a new one."


class BadRequest(ValueError):
    pass


def _error(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message, **extra}, status=status)


def _payload(request: HttpRequest) -> tuple[int, dict[str, object], str]:
    limit = conf.max_autosave_bytes()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > limit:
        raise BadRequest(f"The request is too large (the limit is {limit // 1024} KB).")
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise BadRequest("The request is too large.") from exc
    if len(body) > limit:
        raise BadRequest(f"The request is too large (the limit is {limit // 1024} KB).")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise BadRequest("The request body is not valid JSON.") from exc
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


@require_POST
def autosave(request: HttpRequest, token: str) -> JsonResponse:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _error(INVALID_LINK, 404)
    try:
        version, raw, step = _payload(request)
    except BadRequest as exc:
        return _error(str(exc), 400)
    response = selectors.invitation_response(invitation)
    sections = invitation.wave.instrument.spec().sections_for(response.role if response else invitation.role)
    step = step if step in {section.key for section in sections} else ""
    try:
        saved = response_save(invitation=invitation, version=version, raw=raw, now=timezone.now(), step=step, user=request.user)
    except AnswersInvalid as exc:
        return _error(
            str(exc.errors.get("", "Some answers were not saved; see the messages next to the fields.")), 400, errors=exc.errors
        )
    except StaleResponse as exc:
        return _error(str(exc), 409, version=exc.current_version)
    except SurveyClosed as exc:
        return _error(str(exc), 409)
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
