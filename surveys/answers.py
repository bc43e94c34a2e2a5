"""Answers as data: checking raw input against a question, routing (who sees what), and what gets stored.

Pure functions over instrument specs and plain values; no database. A raw value comes from a JSON
autosave body or a posted form and may be anything; a checked one is an `Answer` ready to store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from surveys.instruments import SCALE_RANGE, InstrumentSpec, QuestionSpec

NUMBER_LIMIT = 1e12
MAX_KEYS = 500


@dataclass(frozen=True)
class CheckedAnswer:
    """What is stored for one answer: the JSON value, its flat text for frames, and its level if any."""

    value: Any
    text: str
    level: float | None


class AnswerError(ValueError):
    """One raw value does not fit its question; the message is shown next to the field."""


class AnswersInvalid(ValueError):
    """Some raw values were rejected; `errors` maps question keys (or "" for the whole request) to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {message}" if key else message for key, message in errors.items()))
        self.errors = errors


def _is_empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list | tuple) and not raw)


def _storable(text: str) -> str:
    if "\x00" in text:
        raise AnswerError("The text contains a character that cannot be stored (a null byte).")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise AnswerError("The text contains characters that are not valid Unicode.") from exc
    return text


def _choice(question: QuestionSpec, raw: object) -> CheckedAnswer:
    if not isinstance(raw, str):
        raise AnswerError("Choose one of the options.")
    option = question.option(raw)
    if option is None:
        raise AnswerError("Choose one of the options shown.")
    return CheckedAnswer(value=option.value, text=option.value, level=float(option.level) if option.level else None)


def _multi(question: QuestionSpec, raw: object) -> CheckedAnswer:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple) or not all(isinstance(value, str) for value in values):
        raise AnswerError("Choose any of the options shown.")
    chosen = set(values)
    unknown = [value for value in chosen if question.option(value) is None]
    if unknown:
        raise AnswerError("Choose only from the options shown.")
    ordered = [option.value for option in question.options if option.value in chosen]
    return CheckedAnswer(value=ordered, text=",".join(ordered), level=None)


def _text(raw: object, limit: int) -> CheckedAnswer:
    if not isinstance(raw, str):
        raise AnswerError("Enter text.")
    text = _storable(raw.replace("\r\n", "\n").strip())
    if len(text) > limit:
        raise AnswerError(f"Keep this to {limit} characters or fewer (it has {len(text)}).")
    return CheckedAnswer(value=text, text=text, level=None)


def _number(raw: object) -> float | int:
    if isinstance(raw, bool):
        raise AnswerError("Enter a number.")
    if isinstance(raw, str):
        cleaned = raw.strip().replace(",", "")
        if len(cleaned) > 40:
            raise AnswerError("Enter a number.")
        try:
            raw = float(cleaned) if any(c in cleaned for c in ".eE") or cleaned.lower() in {"nan", "inf"} else int(cleaned)
        except ValueError as exc:
            raise AnswerError("Enter a number, such as 12 or 2.5.") from exc
    if not isinstance(raw, int | float):
        raise AnswerError("Enter a number.")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise AnswerError("Enter a finite number.")
        if raw.is_integer() and abs(raw) < 2**53:
            raw = int(raw)
    if abs(raw) > NUMBER_LIMIT:
        raise AnswerError("That number is too large.")
    return raw


def _bounded(question: QuestionSpec, raw: object) -> CheckedAnswer:
    number = _number(raw)
    if question.min_value is not None and number < question.min_value:
        raise AnswerError(f"Enter a number of at least {question.min_value:g}.")
    if question.max_value is not None and number > question.max_value:
        raise AnswerError(f"Enter a number of at most {question.max_value:g}.")
    return CheckedAnswer(value=number, text=str(number), level=None)


def _whole(raw: object, low: int, high: int, message: str) -> int:
    try:
        number = _number(raw)
    except AnswerError as exc:
        raise AnswerError(message) from exc
    if not isinstance(number, int) or not low <= number <= high:
        raise AnswerError(message)
    return number


def check_value(question: QuestionSpec, raw: object, *, text_limit: int) -> CheckedAnswer | None:
    """The answer to store for a raw value, None to clear it; AnswerError if the value does not fit."""
    if _is_empty(raw):
        return None
    if question.qtype == "single_choice":
        return _choice(question, raw)
    if question.qtype == "multi_choice":
        return _multi(question, raw)
    if question.qtype == "text":
        answer = _text(raw, text_limit)
        return answer if answer.text else None
    if question.qtype == "number":
        return _bounded(question, raw)
    if question.qtype == "scale":
        low, high = SCALE_RANGE
        number = _whole(raw, low, high, f"Choose a whole number from {low} to {high}.")
        return CheckedAnswer(value=number, text=str(number), level=None)
    if question.qtype == "target_level":
        level = _whole(raw, 1, 4, "Choose a level from 1 to 4.")
        return CheckedAnswer(value=level, text=str(level), level=float(level))
    raise AnswerError("This question cannot be answered here.")


def check_answers(
    spec: InstrumentSpec, role: str, raw: Mapping[Any, object], *, text_limit: int
) -> dict[str, CheckedAnswer | None]:
    """Check every raw value at once; AnswersInvalid lists all the problems, so nothing is half-written."""
    if len(raw) > MAX_KEYS:
        raise AnswersInvalid({"": f"Too many answers in one request (the most is {MAX_KEYS})."})
    checked: dict[str, CheckedAnswer | None] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        question = spec.question(key) if isinstance(key, str) else None
        if question is None or not question.shown_to(role):
            shown = key[:60] if isinstance(key, str) else repr(key)[:60]
            errors[""] = f"Unknown question {shown!r}: it is not part of this survey."
            continue
        try:
            checked[key] = check_value(question, value, text_limit=text_limit)
        except AnswerError as exc:
            errors[key] = str(exc)
    if errors:
        raise AnswersInvalid(errors)
    return checked


# --- routing ---------------------------------------------------------------------------------------------


def _matches(value: Any, wanted: Iterable[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(str(item) in wanted for item in values)


def visible_keys(spec: InstrumentSpec, role: str, values: Mapping[str, Any]) -> set[str]:
    """Questions this role sees given the stored values: role filter, then `show_if` in file order.

    A question whose controlling question is itself hidden is hidden too.
    """
    visible: set[str] = set()
    for question in spec.questions():
        if not question.shown_to(role):
            continue
        condition = question.show_if
        if condition is not None and (
            condition.question not in visible or not _matches(values.get(condition.question), condition.values)
        ):
            continue
        visible.add(question.key)
    return visible


def missing_required(spec: InstrumentSpec, role: str, values: Mapping[str, Any]) -> list[QuestionSpec]:
    shown = visible_keys(spec, role, values)
    return [q for q in spec.questions() if q.required and q.key in shown and _is_empty(values.get(q.key))]


def rendered_keys(spec: InstrumentSpec, role: str, section_key: str, values: Mapping[str, Any]) -> list[str]:
    """The questions a step shows: routing decided by earlier steps applies; within the step the page decides.

    A question routed by another question of the same step is rendered (scripts hide it until it applies,
    and without scripts people simply skip it); the server drops its answer if it does not apply.
    """
    section = spec.section(section_key)
    if section is None:
        return []
    in_step = {question.key for question in section.questions}
    outside = {key: value for key, value in values.items() if key not in in_step}
    # Treat every in-step controller as matching, so only conditions decided outside this step hide anything.
    shown: list[str] = []
    shown_set: set[str] = set()
    earlier_visible = visible_keys(spec, role, outside)
    for question in section.questions:
        if not question.shown_to(role):
            continue
        condition = question.show_if
        if condition is not None:
            if condition.question in in_step:
                if condition.question not in shown_set:
                    continue
            elif condition.question not in earlier_visible or not _matches(outside.get(condition.question), condition.values):
                continue
        shown.append(question.key)
        shown_set.add(question.key)
    return shown


def form_values(spec: InstrumentSpec, keys: Iterable[str], getlist: Callable[[str], list[str]]) -> dict[str, object]:
    """Raw values for the given questions from a posted form; a question left blank is cleared."""
    raw: dict[str, object] = {}
    for key in keys:
        question = spec.question(key)
        if question is None:
            continue
        posted = getlist(key)
        raw[key] = posted if question.qtype == "multi_choice" else (posted[-1] if posted else None)
    return raw
