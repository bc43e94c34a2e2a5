"""Loading instruments into the database: idempotent per key, version and content; versions sit side by side."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from surveys.instruments import InstrumentError, InstrumentSpec, QuestionSpec
from surveys.models import Instrument, Question, Response

# What a question key means; a later version may reword a question but not change these.
_MEANING = ("qtype", "aspect", "perspective", "capability")


@dataclass(frozen=True)
class InstrumentLoadResult:
    instrument: Instrument
    created: bool
    changed: bool


def _question_row(instrument: Instrument, question: QuestionSpec, position: int) -> Question:
    return Question(
        instrument=instrument,
        key=question.key,
        section=question.section,
        position=position,
        qtype=question.qtype,
        text=question.text,
        help=question.help,
        required=question.required,
        roles=list(question.roles),
        show_if={"question": question.show_if.question, "in": list(question.show_if.values)} if question.show_if else None,
        aspect=question.aspect,
        perspective=question.perspective,
        capability=question.capability,
        options=[{"value": o.value, "label": o.label, "level": o.level} for o in question.options],
    )


def _check_stable_keys(spec: InstrumentSpec) -> None:
    """A key reused from another version must keep its type, aspect, perspective and capability."""
    earlier = Question.objects.filter(instrument__key=spec.key).exclude(instrument__version=spec.version)
    known = {row[0]: (row[1:], row[-1]) for row in earlier.values_list("key", *_MEANING, "instrument__version")}
    for question in spec.questions():
        if question.key not in known:
            continue
        meaning, version = known[question.key]
        if tuple(getattr(question, name) for name in _MEANING) != tuple(meaning[: len(_MEANING)]):
            raise InstrumentError(
                f"Question {question.key} means something else in version {version} of {spec.key} "
                "(type, aspect, perspective or capability differ); give the new meaning a new key."
            )


@transaction.atomic
def instrument_load(*, spec: InstrumentSpec) -> InstrumentLoadResult:
    """Store an instrument version. The same content again changes nothing; changed content for a version
    that already has answers is refused (it would change what those answers mean)."""
    _check_stable_keys(spec)
    fields = {
        "title": spec.title,
        "description": spec.description,
        "model_version": spec.model_version,
        "source": spec.source if spec.source in Instrument.Source.values else Instrument.Source.FILE,
        "content_hash": spec.content_hash,
        "definition": spec.as_dict(),
    }
    instrument = Instrument.objects.select_for_update().filter(key=spec.key, version=spec.version).first()
    if instrument is None:
        instrument = Instrument.objects.create(key=spec.key, version=spec.version, **fields)
        Question.objects.bulk_create([_question_row(instrument, q, i) for i, q in enumerate(spec.questions(), start=1)])
        return InstrumentLoadResult(instrument=instrument, created=True, changed=True)
    if instrument.content_hash == spec.content_hash:
        return InstrumentLoadResult(instrument=instrument, created=False, changed=False)
    if Response.objects.filter(wave__instrument=instrument).exists():
        raise InstrumentError(
            f"Version {spec.version} of {spec.key} already has answers and its content differs from this file; "
            "load the changes as a new version."
        )
    for name, value in fields.items():
        setattr(instrument, name, value)
    instrument.save(update_fields=list(fields))
    instrument.questions.all().delete()
    Question.objects.bulk_create([_question_row(instrument, q, i) for i, q in enumerate(spec.questions(), start=1)])
    return InstrumentLoadResult(instrument=instrument, created=False, changed=True)
