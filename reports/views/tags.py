"""The free-text tag review page of a wave (admins): each text with its tags highlighted; confirm, reject or add."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessor.access import is_org_admin
from reports.freetext import TagRefused, free_text_tag, free_text_tag_add, free_text_tag_decide, tag_choices
from reports.models import FreeTextTag
from reports.selectors import free_text_review
from reports.tagging import MECHANISM_NAMES
from reports.views.common import Context, PageError, dashboard_context, handle_errors
from surveys.models import Wave

QUESTION_LABELS = {
    "coop.service_requirements": "Service requirements",
    "coop.service_implementation": "Service implementation",
    "coop.pains": "Pain",
    "coop.suggestions": "Suggestion",
    "service_requirements": "Service requirements",
    "service_implementation": "Service implementation",
    "pains": "Pain",
    "suggestions": "Suggestion",
}
DECISIONS = {"confirm": FreeTextTag.Status.CONFIRMED, "reject": FreeTextTag.Status.REJECTED}


def _wave(request: HttpRequest, wave_id: int) -> tuple[Wave, Context]:
    wave = Wave.objects.select_related("organization").filter(pk=wave_id).first()
    if wave is None:
        raise PageError(404, "Not found", "There is no such survey wave.")
    context = dashboard_context(request, wave.organization)
    if not is_org_admin(request.user, wave.organization):
        raise PageError(403, "Admins only", f"Only admins of {wave.organization.name} review the tags of its free text.")
    return wave, context


def _segments(text: str, tags: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The text cut into (piece, tag label) pairs, a label where a standing tag matched, for highlighting."""
    marks = sorted((tag for tag in tags if tag["status"] != "rejected" and pd.notna(tag["start"])), key=lambda t: t["start"])
    pieces: list[tuple[str, str]] = []
    at = 0
    for tag in marks:
        start, end = int(tag["start"]), int(tag["end"])
        if start < at or end > len(text):
            continue
        pieces += [(text[at:start], ""), (text[start:end], tag["label"])]
        at = end
    pieces.append((text[at:], ""))
    return [piece for piece in pieces if piece[0]]


def _label(kind: str, value: str, capabilities: dict[str, str]) -> str:
    if kind == "capability":
        return capabilities.get(value, value)
    if kind == "mechanism":
        return MECHANISM_NAMES.get(value, value)
    return f"wait {value}"


def _page(request: HttpRequest, wave: Wave, context: Context, *, error: str = "", status: int = 200) -> HttpResponse:
    texts, tags = free_text_review(context.scope, wave_id=wave.pk)
    choices = tag_choices()
    labels = {choice.split(":", 1)[1]: label for choice, label in choices if choice.startswith("capability:")}
    tags = tags.astype(object).where(tags.notna(), None)
    by_answer: dict[int, list[dict[str, Any]]] = {}
    for tag in tags.to_dict("records"):
        tag["label"] = _label(tag["kind"], tag["value"], labels)
        by_answer.setdefault(int(tag["answer_id"]), []).append(tag)
    team_names = dict(zip(context.scope.teams["team_id"], context.scope.teams["team"], strict=True))
    rows = []
    for text in texts.to_dict("records"):
        own = by_answer.get(int(text["answer_id"]), [])
        rows.append(
            {
                "answer_id": int(text["answer_id"]),
                "team": team_names.get(text["team_id"], ""),
                "question": QUESTION_LABELS.get(text["question_key"], text["question_key"]),
                "segments": _segments(str(text["text"]), own),
                "tags": own,
            }
        )
    return render(
        request,
        "reports/tags.html",
        {"organization": wave.organization, "context": context, "tab": "tags", "wave": wave, "rows": rows,
         "choices": choices, "error": error, "untagged": sum(1 for row in rows if not row["tags"])},
        status=status,
    )  # fmt: skip


def _visible_answer(context: Context, wave: Wave, raw: str) -> int:
    if not raw.isdigit() or len(raw) > 12:
        raise PageError(400, "Bad request", "The text to tag is missing or not a number.")
    texts, _ = free_text_review(context.scope, wave_id=wave.pk)
    if int(raw) not in {int(pk) for pk in texts["answer_id"]}:
        raise PageError(404, "Not found", f"{wave.name} has no such text.")
    return int(raw)


def _visible_tag(context: Context, wave: Wave, raw: str) -> FreeTextTag:
    if not raw.isdigit() or len(raw) > 12:
        raise PageError(400, "Bad request", "The tag is missing or not a number.")
    _, tags = free_text_review(context.scope, wave_id=wave.pk)
    if int(raw) not in {int(pk) for pk in tags["tag_id"]}:
        raise PageError(404, "Not found", f"{wave.name} has no such tag.")
    return FreeTextTag.objects.get(pk=int(raw))


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def wave_tags(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave, context = _wave(request, wave_id)
    if request.method == "GET":
        return _page(request, wave, context)
    action, now, user = request.POST.get("action", ""), timezone.now(), request.user
    if action == "tag":
        report = free_text_tag(wave=wave, now=now)
        messages.success(request, f"{report.texts} texts tagged: {report.created} new suggestions, {report.removed} removed.")
    elif action in DECISIONS:
        tag = _visible_tag(context, wave, request.POST.get("tag", ""))
        free_text_tag_decide(tag=tag, status=DECISIONS[action], user=user, now=now)  # type: ignore[arg-type]
    elif action == "add":
        answer_id = _visible_answer(context, wave, request.POST.get("answer", ""))
        try:
            free_text_tag_add(answer_id=answer_id, choice=request.POST.get("choice", ""), user=user, now=now)  # type: ignore[arg-type]
        except TagRefused as exc:
            return _page(request, wave, context, error=str(exc), status=400)
    else:
        return _page(request, wave, context, error="Choose tag, confirm, reject or add.", status=400)
    return redirect("reports:wave_tags", wave_id=wave.pk)
