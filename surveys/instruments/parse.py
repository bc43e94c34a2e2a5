"""Reading instrument files: YAML checked against instrument.schema.json, then the few rules a schema cannot
express, into an InstrumentSpec with its content hash."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from assessor.datafiles import check_data, duplicates, file_version, json_path, problem, read_data_file
from surveys.instruments.spec import (
    ASPECTS,
    MAX_QUESTIONS,
    SCHEMA_FILE,
    InstrumentError,
    InstrumentSpec,
    OptionSpec,
    QuestionSpec,
    SectionSpec,
    ShowIf,
)

Where = tuple[str | int, ...]


class _Checks:
    """The problems found so far, so that one message can list all of them."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: Where, message: str) -> None:
        self.problems.append(problem(where, message))


def _options(data: dict[str, Any], where: Where, checks: _Checks) -> tuple[OptionSpec, ...]:
    options = tuple(
        OptionSpec(value=str(item["value"]).strip(), label=item["label"].strip(), level=item.get("level"))
        for item in data.get("options", ())
    )
    repeated = duplicates([option.value for option in options])
    if repeated:
        checks.add((*where, "options"), f"option values must be unique; repeated: {', '.join(repeated)}")
    return options


def _show_if(data: dict[str, Any], where: Where, earlier: dict[str, QuestionSpec], checks: _Checks) -> ShowIf | None:
    raw = data.get("show_if")
    if raw is None:
        return None
    controller = earlier.get(raw["question"])
    if controller is None:
        checks.add((*where, "show_if", "question"), f"{raw['question']!r} must be the key of an earlier question")
        return None
    if not controller.is_choice:
        checks.add((*where, "show_if", "question"), f"{controller.key} must be a single or multiple choice question")
        return None
    unknown = [value for value in raw["in"] if controller.option(value) is None]
    if unknown:
        checks.add((*where, "show_if", "in"), f"lists values {controller.key} does not offer: {', '.join(unknown)}")
    return ShowIf(question=controller.key, values=tuple(raw["in"]))


def _question(
    data: dict[str, Any], section: str, where: Where, earlier: dict[str, QuestionSpec], checks: _Checks
) -> QuestionSpec:
    aspect = data.get("aspect")
    if aspect is not None and aspect not in ASPECTS:
        checks.add((*where, "aspect"), f"{aspect!r} is not an aspect of the maturity model ({', '.join(ASPECTS)})")
    min_value, max_value = data.get("min"), data.get("max")
    if min_value is not None and max_value is not None and min_value > max_value:
        checks.add(where, "'min' is above 'max'")
    return QuestionSpec(
        key=data["key"],
        qtype=data["type"],
        text=data["text"].strip(),
        section=section,
        help=data.get("help", "").strip(),
        required=data.get("required", False),
        roles=tuple(data.get("roles", ())),
        show_if=_show_if(data, where, earlier, checks),
        aspect=aspect,
        perspective=data.get("perspective", "self"),
        capability=data.get("capability"),
        options=_options(data, where, checks),
        min_value=None if min_value is None else float(min_value),
        max_value=None if max_value is None else float(max_value),
    )


def _sections(doc: dict[str, Any], checks: _Checks) -> tuple[SectionSpec, ...]:
    earlier: dict[str, QuestionSpec] = {}
    first_use: dict[str, str] = {}
    sections = []
    for index, data in enumerate(doc["sections"]):
        where: Where = ("sections", index)
        if data["key"] in first_use:
            checks.add((*where, "key"), f"the key is used twice (also by {first_use[data['key']]})")
        first_use.setdefault(data["key"], json_path(where))
        questions = []
        for position, raw in enumerate(data["questions"]):
            question_where: Where = (*where, "questions", position)
            question = _question(raw, data["key"], question_where, earlier, checks)
            if question.key in earlier:
                checks.add((*question_where, "key"), f"the key is used twice (also in section {earlier[question.key].section})")
            else:
                earlier[question.key] = question
            questions.append(question)
        sections.append(
            SectionSpec(
                key=data["key"],
                title=data["title"].strip(),
                intro=data.get("intro", "").strip(),
                layout=data.get("layout", "list"),
                columns=tuple((key, heading.strip()) for key, heading in data.get("columns", {}).items()),
                questions=tuple(questions),
            )
        )
    if len(earlier) > MAX_QUESTIONS:
        checks.add(("sections",), f"the instrument has more than {MAX_QUESTIONS} questions")
    return tuple(sections)


def _spec(doc: dict[str, Any], source: str | Path) -> InstrumentSpec:
    checks = _Checks()
    sections = _sections(doc, checks)
    if checks.problems:
        raise InstrumentError(*checks.problems, source=source)
    spec = InstrumentSpec(
        key=doc["key"],
        version=doc["version"],
        title=doc["title"].strip(),
        description=doc.get("description", "").strip(),
        model_version=str(doc.get("model_version", "")),
        source=doc.get("source", "file"),
        sections=sections,
    )
    return _with_hash(spec)


def parse_instrument(data: Any, *, source: str | Path = "instrument") -> InstrumentSpec:
    """Check a parsed instrument document and turn it into an InstrumentSpec with its content hash."""
    return _spec(check_data(data, SCHEMA_FILE, source=source, error=InstrumentError), source)


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
    """Read and check an instrument YAML file; every problem is an InstrumentError naming the file.

    The spec is frozen, so a file is read and checked again only once it changes.
    """
    return _read_instrument_file(*file_version(path))


@lru_cache(maxsize=16)
def _read_instrument_file(path: Path, *version: int) -> InstrumentSpec:
    return _spec(read_data_file(path, SCHEMA_FILE, error=InstrumentError), path)
