"""The pages a person reaches through an invitation link: start, one step per section, answers, result."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from surveys import selectors
from surveys.answers import AnswersInvalid, form_values, rendered_keys
from surveys.instruments import ROLE_LABELS, InstrumentSpec, QuestionSpec, SectionSpec
from surveys.models import Invitation, Response
from surveys.services import StaleResponse, SurveyClosed, response_save, response_submit
from surveys.steps import build_fields, capability_rows, dom_id, progress, step_missing, steps_for

ACTIONS = ("continue", "back", "save", "submit")


def invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/invalid_link.html", status=404)


def link_expired(request: HttpRequest, token: str, invitation: Invitation, response: Response | None) -> HttpResponse:
    """410 Gone: the wave closed more than SURVEYS_READ_GRACE_DAYS ago, so the link shows nothing any more."""
    return render(request, "surveys/link_expired.html", _base_context(token, invitation, response), status=410)


def _load(token: str) -> tuple[Invitation, Response | None] | None:
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return None
    invitation.mark_opened(timezone.now())
    return invitation, selectors.invitation_response(invitation)


def step_url(token: str, section: str) -> str:
    return reverse("surveys:step", args=[token, section])


def _role(invitation: Invitation, response: Response | None) -> str:
    return response.role if response is not None else invitation.role


def _base_context(token: str, invitation: Invitation, response: Response | None) -> dict[str, Any]:
    wave, now = invitation.wave, timezone.now()
    return {
        "token": token,
        "invitation": invitation,
        "wave": wave,
        "team": invitation.team,
        "response": response,
        "role_label": ROLE_LABELS.get(_role(invitation, response), ""),
        "now": now,
        "answers_shown": not wave.links_expired(now),
    }


@require_GET
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The link itself: a welcome page the first time, then straight back to where the person left off."""
    loaded = _load(token)
    if loaded is None:
        return invalid_link(request)
    invitation, response = loaded
    wave, now = invitation.wave, timezone.now()
    if wave.links_expired(now):
        return link_expired(request, token, invitation, response)
    if wave.has_closed(now):
        return redirect("surveys:review", token=token)
    sections = steps_for(wave.instrument.spec(), _role(invitation, response))
    if wave.is_open(now) and response is not None:
        if response.is_submitted:
            return redirect("surveys:result", token=token)
        keys = [section.key for section in sections]
        return redirect(step_url(token, response.last_step if response.last_step in keys else keys[0]))
    context = _base_context(token, invitation, response)
    context.update(
        {
            "first_step": step_url(token, sections[0].key),
            "step_count": len(sections),
            "is_open": wave.is_open(now),
            "instrument": wave.instrument,
            "result_minimum": selectors.result_minimum(wave),
        }
    )
    return render(request, "surveys/start.html", context)


def _missing_summary(token: str, spec: InstrumentSpec, sections: list[SectionSpec], missing: list[QuestionSpec]) -> list[dict]:
    numbers = {section.key: index for index, section in enumerate(sections, start=1)}
    return [
        {
            "href": f"{step_url(token, question.section)}#{first_control_id(spec, question)}",
            "text": f"Step {numbers.get(question.section, '?')}: {question.text} {_required_message(question)}",
        }
        for question in missing
    ]


def first_control_id(spec: InstrumentSpec, question: QuestionSpec) -> str:
    """The id of the question's first input, where an error-summary link takes the person (not its wrapper)."""
    section = spec.section(question.section)
    as_select = question.capability is not None and question.qtype == "single_choice"
    if question.qtype in ("text", "number") or (as_select and section is not None and section.layout == "capability_table"):
        return f"{dom_id(question.key)}-input"
    return f"{dom_id(question.key)}-1"


def _required_message(question: QuestionSpec) -> str:
    return "Enter an answer." if question.qtype in ("text", "number") else "Choose an answer."


def _with_posted(stored: dict[str, Any], raw: dict[str, object]) -> dict[str, Any]:
    """Stored answers overlaid with what was just posted, to show the page again as it was sent."""
    values = {**stored, **raw}
    return {key: value for key, value in values.items() if value not in (None, "", [])}


def _render_step(
    request: HttpRequest,
    *,
    token: str,
    invitation: Invitation,
    response: Response | None,
    sections: list[SectionSpec],
    index: int,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    summary: list[dict] | None = None,
    notice: str = "",
    version: int | None = None,
    status: int = 200,
) -> HttpResponse:
    wave = invitation.wave
    spec = wave.instrument.spec()
    role = _role(invitation, response)
    section = sections[index]
    errors = errors or {}
    hints = (
        selectors.level_descriptions(wave.instrument.model_version)
        if any(q.qtype == "target_level" for q in section.questions)
        else {}
    )
    fields = build_fields(spec=spec, role=role, section=section, values=values, errors=errors, hints=hints)
    columns: list[tuple[str, str]] = []
    rows: list[Any] = []
    if section.layout == "capability_table":
        columns, rows, fields = capability_rows(section, fields, selectors.capability_names())
    if summary is None:
        summary = []
        for key, message in errors.items():
            question = spec.question(key)
            href = f"#{first_control_id(spec, question)}" if question else "#survey-form"
            summary.append({"href": href, "text": f"{question.text} {message}" if question else message})
    answered, total = progress(spec, role, values)
    context = _base_context(token, invitation, response)
    context.update(
        {
            "section": section,
            "fields": fields,
            "columns": columns,
            "rows": rows,
            "steps": [
                {"number": n, "section": s, "url": step_url(token, s.key), "current": n == index + 1}
                for n, s in enumerate(sections, start=1)
            ],
            "step_number": index + 1,
            "step_count": len(sections),
            "previous_url": step_url(token, sections[index - 1].key) if index > 0 else "",
            "is_last": index == len(sections) - 1,
            "answered": answered,
            "total": total,
            "version": response.version if version is None and response is not None else (version or 0),
            "error_summary": summary,
            "notice": notice,
            "autosave_url": reverse("surveys:autosave", args=[token]),
            "submitted": response is not None and response.is_submitted,
        }
    )
    return render(request, "surveys/step.html", context, status=status)


def _posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, section: str) -> HttpResponse:
    loaded = _load(token)
    if loaded is None:
        return invalid_link(request)
    invitation, response = loaded
    wave, now = invitation.wave, timezone.now()
    spec = wave.instrument.spec()
    role = _role(invitation, response)
    sections = steps_for(spec, role)
    keys = [s.key for s in sections]
    if section not in keys:
        return redirect("surveys:respond", token=token)
    index = keys.index(section)
    if not wave.is_open(now):
        if request.method == "GET" and wave.links_expired(now):
            return link_expired(request, token, invitation, response)
        if request.method == "POST":
            return render(request, "surveys/closed.html", {**_base_context(token, invitation, response)}, status=409)
        return redirect("surveys:respond", token=token) if now < wave.opens_at else redirect("surveys:review", token=token)
    stored = selectors.answer_values(response)
    page = {"token": token, "invitation": invitation, "response": response, "sections": sections, "index": index}
    if request.method == "GET":
        return _render_step(request, values=stored, **page)

    raw = form_values(spec, rendered_keys(spec, role, section, stored), request.POST.getlist)
    posted = _with_posted(stored, raw)
    action = request.POST.get("action", "continue")
    version = _posted_version(request)
    if action not in ACTIONS or version is None:
        return _render_step(
            request, values=posted, errors={"": "The form was incomplete; reload the page and try again."}, status=400, **page
        )
    try:
        if action == "submit":
            result = response_submit(invitation=invitation, version=version, raw=raw, now=now, step=section, user=request.user)
            if result.missing:
                summary = _missing_summary(token, spec, sections, result.missing)
                errors = {q.key: _required_message(q) for q in result.missing}
                page["response"] = result.response
                return _render_step(
                    request, values=selectors.answer_values(result.response), errors=errors, summary=summary, **page
                )
            return redirect("surveys:result", token=token)
        saved = response_save(invitation=invitation, version=version, raw=raw, now=now, step=section, user=request.user)
    except AnswersInvalid as exc:
        return _render_step(request, values=posted, errors=exc.errors, status=400, **page)
    except StaleResponse as exc:
        return _render_step(request, values=posted, notice=str(exc), version=version, status=409, **page)
    except SurveyClosed as exc:
        context = {**_base_context(token, invitation, response), "message": str(exc)}
        return render(request, "surveys/closed.html", context, status=409)

    if action == "back" and index > 0:
        return redirect(step_url(token, keys[index - 1]))
    if action == "continue":
        values = selectors.answer_values(saved.response)
        missing = step_missing(spec, role, sections[index], values)
        if missing:
            page["response"] = saved.response
            errors = {q.key: _required_message(q) for q in missing}
            return _render_step(request, values=values, errors=errors, **page)
        if index < len(keys) - 1:
            saved.response.note_step(keys[index + 1])
            return redirect(step_url(token, keys[index + 1]))
    return redirect(step_url(token, section))


@require_GET
def review(request: HttpRequest, token: str) -> HttpResponse:
    """Every answer given through this link, read-only (the page a closed wave shows)."""
    loaded = _load(token)
    if loaded is None:
        return invalid_link(request)
    invitation, response = loaded
    if invitation.wave.links_expired(timezone.now()):
        return link_expired(request, token, invitation, response)
    spec = invitation.wave.instrument.spec()
    role = _role(invitation, response)
    values = selectors.answer_values(response)
    hints = selectors.level_descriptions(invitation.wave.instrument.model_version)
    groups = []
    for section in steps_for(spec, role):
        fields = build_fields(spec=spec, role=role, section=section, values=values, hints=hints)
        answered = [field for field in fields if field.key in values]
        groups.append({"section": section, "fields": answered, "url": step_url(token, section.key)})
    context = _base_context(token, invitation, response)
    context.update({"groups": groups, "is_open": invitation.wave.is_open(timezone.now())})
    return render(request, "surveys/review.html", context)


@require_GET
def result(request: HttpRequest, token: str) -> HttpResponse:
    loaded = _load(token)
    if loaded is None:
        return invalid_link(request)
    invitation, response = loaded
    wave = invitation.wave
    if wave.links_expired(timezone.now()):
        return link_expired(request, token, invitation, response)
    if response is None or not response.is_submitted:
        return redirect("surveys:respond", token=token)
    sections = steps_for(wave.instrument.spec(), response.role)
    context = _base_context(token, invitation, response)
    context.update(
        {
            "result": selectors.team_result(wave=wave, team=invitation.team, response=response),
            "is_open": wave.is_open(timezone.now()),
            "first_step": step_url(token, sections[0].key),
        }
    )
    return render(request, "surveys/result.html", context)
