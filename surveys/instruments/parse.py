"""Reading instrument files: YAML checked field by field into an InstrumentSpec with its content hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from assessor.yamlsafe import load_yaml
from surveys.instruments.spec import (
    ASPECTS,
    CHOICE_TYPES,
    KEY_RE,
    LAYOUTS,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_TEXT,
    PERSPECTIVES,
    QUESTION_TYPES,
    ROLES,
    SLUG_RE,
    InstrumentError,
    InstrumentSpec,
    OptionSpec,
    QuestionSpec,
    SectionSpec,
    ShowIf,
)

_QUESTION_FIELDS = {
    "key",
    "type",
    "text",
    "help",
    "required",
    "roles",
    "show_if",
    "aspect",
    "perspective",
    "capability",
    "options",
    "min",
    "max",
}
_SECTION_FIELDS = {"key", "title", "intro", "layout", "columns", "questions"}
_TOP_FIELDS = {"key", "version", "title", "description", "model_version", "source", "sections"}


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstrumentError(f"{where} must be a mapping.")
    return value


def _text(data: dict[str, Any], name: str, where: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InstrumentError(f"{where}: '{name}' must be {'a non-empty' if required else 'a'} string.")
    if len(value) > limit:
        raise InstrumentError(f"{where}: '{name}' is longer than {limit} characters.")
    return value.strip()


def _unknown_fields(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(name) for name in data if name not in allowed)
    if unknown:
        raise InstrumentError(f"{where}: unknown field(s) {', '.join(unknown)}.")


def _options(raw: Any, where: str, *, with_levels: bool) -> tuple[OptionSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise InstrumentError(f"{where}: 'options' must be a non-empty list.")
    if len(raw) > MAX_OPTIONS:
        raise InstrumentError(f"{where}: more than {MAX_OPTIONS} options.")
    options = []
    for index, item in enumerate(raw):
        data = _mapping(item, f"{where} option {index + 1}")
        _unknown_fields(data, {"value", "label", "level"}, f"{where} option {index + 1}")
        value = data.get("value")
        if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
            raise InstrumentError(f"{where} option {index + 1}: 'value' must be a non-empty string.")
        level = data.get("level")
        if level is not None and (isinstance(level, bool) or level not in (1, 2, 3, 4)):
            raise InstrumentError(f"{where} option {value}: 'level' must be 1, 2, 3, 4 or null.")
        if level is not None and not with_levels:
            raise InstrumentError(f"{where} option {value}: only single-choice questions with an aspect carry levels.")
        options.append(OptionSpec(value=str(value).strip(), label=_text(data, "label", f"{where} option {value}"), level=level))
    values = [option.value for option in options]
    if len(set(values)) != len(values):
        raise InstrumentError(f"{where}: option values must be unique.")
    return tuple(options)


def _bound(data: dict[str, Any], name: str, where: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InstrumentError(f"{where}: '{name}' must be a number.")
    return float(value)


def _question(data: dict[str, Any], section: str, earlier: dict[str, QuestionSpec]) -> QuestionSpec:
    key = data.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise InstrumentError(f"Section {section}: question key {key!r} must be letters, digits, '.', '-' or '_'.")
    where = f"Question {key}"
    _unknown_fields(data, _QUESTION_FIELDS, where)
    if key in earlier:
        raise InstrumentError(f"{where}: the key is used twice.")
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        raise InstrumentError(f"{where}: 'type' must be one of {', '.join(QUESTION_TYPES)}.")
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise InstrumentError(f"{where}: 'required' must be true or false.")
    roles = data.get("roles") or []
    if not isinstance(roles, list) or any(role not in ROLES for role in roles):
        raise InstrumentError(f"{where}: 'roles' must be a list of {', '.join(ROLES)}.")
    aspect = data.get("aspect")
    if aspect is not None and aspect not in ASPECTS:
        raise InstrumentError(f"{where}: 'aspect' must be one of {', '.join(ASPECTS)}.")
    perspective = data.get("perspective", "self")
    if perspective not in PERSPECTIVES:
        raise InstrumentError(f"{where}: 'perspective' must be 'self' or 'consumers'.")
    capability = data.get("capability")
    if capability is not None and (not isinstance(capability, str) or not SLUG_RE.match(capability)):
        raise InstrumentError(f"{where}: 'capability' must be a lower-case key such as 'data'.")
    if qtype == "target_level" and aspect is None:
        raise InstrumentError(f"{where}: a target level needs an 'aspect'.")
    options: tuple[OptionSpec, ...] = ()
    if qtype in CHOICE_TYPES:
        with_levels = qtype == "single_choice" and aspect is not None
        options = _options(data.get("options"), where, with_levels=with_levels)
        if with_levels and not any(option.level for option in options):
            raise InstrumentError(f"{where}: a question with an aspect needs a level on its options.")
    elif "options" in data:
        raise InstrumentError(f"{where}: only single_choice and multi_choice questions have options.")
    min_value, max_value = _bound(data, "min", where), _bound(data, "max", where)
    if (min_value is not None or max_value is not None) and qtype != "number":
        raise InstrumentError(f"{where}: 'min' and 'max' apply to number questions only.")
    if min_value is not None and max_value is not None and min_value > max_value:
        raise InstrumentError(f"{where}: 'min' is above 'max'.")
    return QuestionSpec(
        key=key,
        qtype=qtype,
        text=_text(data, "text", where),
        section=section,
        help=_text(data, "help", where, required=False),
        required=required,
        roles=tuple(roles),
        show_if=_show_if(data.get("show_if"), where, earlier),
        aspect=aspect,
        perspective=perspective,
        capability=capability,
        options=options,
        min_value=min_value,
        max_value=max_value,
    )


def _show_if(raw: Any, where: str, earlier: dict[str, QuestionSpec]) -> ShowIf | None:
    if raw is None:
        return None
    data = _mapping(raw, f"{where}: 'show_if'")
    _unknown_fields(data, {"question", "in"}, f"{where}: 'show_if'")
    controller = earlier.get(data.get("question"))  # type: ignore[arg-type]
    if controller is None:
        raise InstrumentError(f"{where}: 'show_if' must name an earlier question.")
    if not controller.is_choice:
        raise InstrumentError(f"{where}: 'show_if' must name a single or multiple choice question.")
    values = data.get("in")
    if not isinstance(values, list) or not values or any(not isinstance(v, str) for v in values):
        raise InstrumentError(f"{where}: 'show_if.in' must be a non-empty list of option values.")
    unknown = [value for value in values if controller.option(value) is None]
    if unknown:
        raise InstrumentError(f"{where}: 'show_if.in' lists values {controller.key} does not offer: {', '.join(unknown)}.")
    return ShowIf(question=controller.key, values=tuple(values))


def _columns(raw: Any, where: str) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    data = _mapping(raw, f"{where}: 'columns'")
    if not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in data.items()):
        raise InstrumentError(f"{where}: 'columns' maps a question key ending to a column heading.")
    return tuple((key, value.strip()) for key, value in data.items())


def _section(data: dict[str, Any], index: int, earlier: dict[str, QuestionSpec], seen: set[str]) -> SectionSpec:
    key = data.get("key")
    if not isinstance(key, str) or not SLUG_RE.match(key):
        raise InstrumentError(f"Section {index + 1}: 'key' must be a lower-case key such as 'about'.")
    where = f"Section {key}"
    _unknown_fields(data, _SECTION_FIELDS, where)
    if key in seen:
        raise InstrumentError(f"{where}: the key is used twice.")
    seen.add(key)
    layout = data.get("layout", "list")
    if layout not in LAYOUTS:
        raise InstrumentError(f"{where}: 'layout' must be one of {', '.join(LAYOUTS)}.")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise InstrumentError(f"{where}: 'questions' must be a non-empty list.")
    questions = []
    for position, item in enumerate(raw_questions):
        question = _question(_mapping(item, f"{where} question {position + 1}"), key, earlier)
        earlier[question.key] = question
        questions.append(question)
    if len(earlier) > MAX_QUESTIONS:
        raise InstrumentError(f"The instrument has more than {MAX_QUESTIONS} questions.")
    return SectionSpec(
        key=key,
        title=_text(data, "title", where, limit=200),
        intro=_text(data, "intro", where, required=False),
        layout=layout,
        columns=_columns(data.get("columns"), where),
        questions=tuple(questions),
    )


def parse_instrument(data: Any) -> InstrumentSpec:
    """Check a parsed instrument document and turn it into an InstrumentSpec with its content hash."""
    doc = _mapping(data, "The instrument")
    _unknown_fields(doc, _TOP_FIELDS, "The instrument")
    key = doc.get("key")
    if not isinstance(key, str) or not SLUG_RE.match(key):
        raise InstrumentError("'key' must be a lower-case key of letters, digits, '-' or '_' (for example pemm-cooperation).")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InstrumentError("'version' must be a whole number from 1 up.")
    raw_sections = doc.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise InstrumentError("'sections' must be a non-empty list.")
    earlier: dict[str, QuestionSpec] = {}
    seen: set[str] = set()
    sections = tuple(
        _section(_mapping(item, f"Section {index + 1}"), index, earlier, seen) for index, item in enumerate(raw_sections)
    )
    model_version = doc.get("model_version", "")
    source = doc.get("source", "file")
    if not isinstance(model_version, str | int | float) or not isinstance(source, str):
        raise InstrumentError("'model_version' and 'source' must be strings.")
    spec = InstrumentSpec(
        key=key,
        version=version,
        title=_text(doc, "title", "The instrument", limit=200),
        description=_text(doc, "description", "The instrument", required=False),
        model_version=str(model_version),
        source=source or "file",
        sections=sections,
    )
    return _with_hash(spec)


def _with_hash(spec: InstrumentSpec) -> InstrumentSpec:
    canonical = json.dumps(spec.as_dict(), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return InstrumentSpec(
        key=spec.key,
        version=spec.version,
        title=spec.title,
        description=spec.description,
        model_version=spec.model_version,
        source=spec.source,
        sections=spec.sections,
        content_hash=digest,
    )


def read_instrument_file(path: Path) -> InstrumentSpec:
    """Read and check an instrument YAML file; every problem is an InstrumentError naming the file."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise InstrumentError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        return parse_instrument(load_yaml(text))
    except ValueError as exc:  # YAMLInputError is a ValueError too
        raise InstrumentError(f"{path}: {exc}") from exc
