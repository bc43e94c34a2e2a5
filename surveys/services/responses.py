"""Saving and submitting answers: checked first, written in one transaction, never silently over a newer save."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from assessor import rescore
from surveys import conf
from surveys.answers import AnswersInvalid, CheckedAnswer, check_answers, missing_required, visible_keys
from surveys.instruments import InstrumentSpec, QuestionSpec
from surveys.models import Answer, Invitation, Question, Response, Wave

STALE_MESSAGE = "This survey was changed in another tab or window; reload to see the latest answers."


class SurveyClosed(Exception):
    """The wave is not open: answers can be read but not changed."""

    def __init__(self, wave: Wave, now: datetime) -> None:
        self.wave = wave
        if now < wave.opens_at:
            message = f"This survey opens on {wave.opens_at:%d %B %Y}; answers cannot be saved before then."
        else:
            message = f"This survey closed on {wave.closes_at:%d %B %Y}; answers can no longer be changed."
        super().__init__(message)


class StaleResponse(Exception):
    """The save was based on an older version of the response than the one stored."""

    def __init__(self, current_version: int) -> None:
        super().__init__(STALE_MESSAGE)
        self.current_version = current_version


@dataclass
class AnswerPlan:
    """What writing a set of checked answers would do to a response."""

    values: dict[str, Any]
    creates: dict[str, CheckedAnswer] = field(default_factory=dict)
    updates: dict[str, tuple[int, CheckedAnswer]] = field(default_factory=dict)
    deletes: list[int] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.creates or self.updates or self.deletes)


@dataclass(frozen=True)
class SaveResult:
    response: Response
    changed: bool
    answered: int
    total: int


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    submitted_now: bool
    missing: list[QuestionSpec]


def stored_answers(response: Response | None) -> dict[str, tuple[int, Any]]:
    """question key -> (answer id, value) for a response (one query)."""
    if response is None or response.pk is None:
        return {}
    rows = Answer.objects.filter(response=response).values_list("question__key", "pk", "value")
    return {key: (pk, value) for key, pk, value in rows}


def answers_plan(
    *, spec: InstrumentSpec, role: str, stored: dict[str, tuple[int, Any]], checked: dict[str, CheckedAnswer | None]
) -> AnswerPlan:
    """Merge checked answers into the stored ones; answers routing now hides are removed."""
    values = {key: value for key, (_, value) in stored.items()}
    for key, answer in checked.items():
        if answer is None:
            values.pop(key, None)
        else:
            values[key] = answer.value
    shown = visible_keys(spec, role, values)
    values = {key: value for key, value in values.items() if key in shown}
    plan = AnswerPlan(values=values)
    for key, (pk, _) in stored.items():
        if key not in values:
            plan.deletes.append(pk)
    for key, answer in checked.items():
        if answer is None or key not in values:
            continue
        if key not in stored:
            plan.creates[key] = answer
        elif stored[key][1] != answer.value:
            plan.updates[key] = (stored[key][0], answer)
    return plan


def answers_apply(*, response: Response, plan: AnswerPlan, now: datetime, instrument_id: int) -> None:
    if plan.deletes:
        Answer.objects.filter(pk__in=plan.deletes).delete()
    if plan.updates:
        rows = [
            Answer(pk=pk, value=answer.value, value_text=answer.text, level=answer.level, updated_at=now)
            for pk, answer in plan.updates.values()
        ]
        Answer.objects.bulk_update(rows, ["value", "value_text", "level", "updated_at"])
    if plan.creates:
        ids = dict(Question.objects.filter(instrument_id=instrument_id, key__in=list(plan.creates)).values_list("key", "pk"))
        Answer.objects.bulk_create(
            [
                Answer(
                    response=response,
                    question_id=ids[key],
                    value=answer.value,
                    value_text=answer.text,
                    level=answer.level,
                    updated_at=now,
                )
                for key, answer in plan.creates.items()
            ]
        )


def _locked_response(invitation: Invitation, user: AbstractBaseUser | AnonymousUser | None, now: datetime) -> Response:
    """The invitation's response, created on first save, locked for the rest of the transaction."""
    response = Response.objects.select_for_update().filter(invitation=invitation).first()
    if response is not None:
        return response
    respondent = user if user is not None and user.is_authenticated and not invitation.wave.anonymous else None
    created, _ = Response.objects.get_or_create(
        invitation=invitation,
        defaults={
            "wave": invitation.wave,
            "team": invitation.team,
            "role": invitation.role,
            "respondent": respondent,
            "updated_at": now,
        },
    )
    return Response.objects.select_for_update().get(pk=created.pk)


def _check_open(invitation: Invitation, now: datetime) -> InstrumentSpec:
    if not invitation.wave.is_open(now):
        raise SurveyClosed(invitation.wave, now)
    return invitation.wave.instrument.spec()


def _require_complete(spec: InstrumentSpec, role: str, values: dict[str, Any]) -> None:
    missing = missing_required(spec, role, values)
    if missing:
        raise AnswersInvalid({q.key: "A submitted survey needs this answer; it cannot be cleared." for q in missing})


def _counts(spec: InstrumentSpec, role: str, values: dict[str, Any]) -> tuple[int, int]:
    shown = visible_keys(spec, role, values)
    return sum(1 for key in values if key in shown), len(shown)


def response_save(
    *,
    invitation: Invitation,
    version: int,
    raw: dict[str, object],
    now: datetime,
    step: str = "",
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> SaveResult:
    """Save a draft (or changes to a submitted response while the wave is open).

    Raises SurveyClosed, StaleResponse (the page holds an older version) or AnswersInvalid; in every
    case nothing is written.
    """
    with transaction.atomic():
        spec = _check_open(invitation, now)
        response = _locked_response(invitation, user, now)
        if response.version != version:
            raise StaleResponse(response.version)
        checked = check_answers(spec, response.role, raw, text_limit=conf.max_text_length())
        plan = answers_plan(spec=spec, role=response.role, stored=stored_answers(response), checked=checked)
        if plan.changes and response.is_submitted:
            _require_complete(spec, response.role, plan.values)
        answers_apply(response=response, plan=plan, now=now, instrument_id=invitation.wave.instrument_id)
        if plan.changes:
            response.mark_changed(now, step=step)
            if response.is_submitted:
                rescore.request_rescore(team_ids=[response.team_id], wave_ids=[response.wave_id])
        elif step:
            response.note_step(step)
        answered, total = _counts(spec, response.role, plan.values)
        return SaveResult(response=response, changed=plan.changes, answered=answered, total=total)


def response_submit(
    *,
    invitation: Invitation,
    version: int,
    now: datetime,
    raw: dict[str, object] | None = None,
    step: str = "",
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> SubmitResult:
    """Save the last answers and submit. Submitting again changes nothing (one submission is recorded).

    When required answers are missing, the answers given are still saved as a draft and the result
    lists what is missing. Raises SurveyClosed, StaleResponse or AnswersInvalid as `response_save` does.
    """
    with transaction.atomic():
        spec = _check_open(invitation, now)
        response = _locked_response(invitation, user, now)
        checked = check_answers(spec, response.role, raw or {}, text_limit=conf.max_text_length())
        plan = answers_plan(spec=spec, role=response.role, stored=stored_answers(response), checked=checked)
        if response.version != version:
            if response.is_submitted and not plan.changes:
                return SubmitResult(response=response, submitted_now=False, missing=[])  # a repeated submit
            raise StaleResponse(response.version)
        if response.is_submitted:
            if plan.changes:
                _require_complete(spec, response.role, plan.values)
                answers_apply(response=response, plan=plan, now=now, instrument_id=invitation.wave.instrument_id)
                response.mark_changed(now, step=step)
                rescore.request_rescore(team_ids=[response.team_id], wave_ids=[response.wave_id])
            return SubmitResult(response=response, submitted_now=False, missing=[])
        answers_apply(response=response, plan=plan, now=now, instrument_id=invitation.wave.instrument_id)
        missing = missing_required(spec, response.role, plan.values)
        if missing:
            if plan.changes:
                response.mark_changed(now, step=step)
            return SubmitResult(response=response, submitted_now=False, missing=missing)
        if step:
            response.note_step(step)
        response.mark_submitted(now)
        rescore.request_rescore(team_ids=[response.team_id], wave_ids=[response.wave_id])
        return SubmitResult(response=response, submitted_now=True, missing=[])
