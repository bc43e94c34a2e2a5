"""Question banks (instruments) as data: the checked, frozen form every other part of the app works with.

An instrument has a key, an integer version and sections of questions. A question's key keeps its
meaning across versions, so trends compare like with like; wording changes go into a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessor.datafiles import DataFileInvalid
from assessor.maturity import ASPECT_KEYS
from assessor.maturity import LEVEL_NAMES as MODEL_LEVEL_NAMES

# The shape of an instrument document, with its field rules (keys, types, lengths, levels 1-4).
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "data" / "instruments" / "instrument.schema.json"

ROLES = ("app_developer", "platform_engineer", "infra_engineer", "manager")
ROLE_LABELS = {
    "app_developer": "Application developer",
    "platform_engineer": "Platform engineer",
    "infra_engineer": "Infrastructure engineer",
    "manager": "Manager",
}
QUESTION_TYPES = ("single_choice", "multi_choice", "text", "number", "scale", "target_level")
CHOICE_TYPES = ("single_choice", "multi_choice")
ASPECTS = ASPECT_KEYS  # the bundled maturity model's aspects, in its order
LEVEL_NAMES = MODEL_LEVEL_NAMES  # 1 -> "Provisional", ..., from the bundled maturity model
SCALE_RANGE = (0, 10)
MAX_QUESTIONS = 1000  # in all sections together (the schema limits each section)


class InstrumentError(DataFileInvalid):
    """The instrument definition is malformed, or does not fit what is stored; the message names the place."""


@dataclass(frozen=True)
class OptionSpec:
    value: str
    label: str
    level: int | None = None


@dataclass(frozen=True)
class ShowIf:
    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    qtype: str
    text: str
    section: str
    help: str = ""
    required: bool = False
    roles: tuple[str, ...] = ()
    show_if: ShowIf | None = None
    aspect: str | None = None
    perspective: str = "self"
    capability: str | None = None
    options: tuple[OptionSpec, ...] = ()
    min_value: float | None = None
    max_value: float | None = None

    @property
    def is_choice(self) -> bool:
        return self.qtype in CHOICE_TYPES

    @property
    def is_maturity(self) -> bool:
        return self.qtype == "single_choice" and self.aspect is not None and any(o.level for o in self.options)

    @property
    def facet(self) -> str:
        """The last part of the key (`need` in `cap.data.need`): the column of a capability table."""
        return self.key.rsplit(".", 1)[-1]

    def shown_to(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def option(self, value: str) -> OptionSpec | None:
        return next((option for option in self.options if option.value == value), None)

    def choices(self) -> tuple[OptionSpec, ...]:
        """The options offered: declared ones, or levels 1-4 for a target level."""
        if self.qtype == "target_level":
            return tuple(OptionSpec(value=str(number), label=name, level=number) for number, name in LEVEL_NAMES.items())
        if self.qtype == "scale":
            low, high = SCALE_RANGE
            return tuple(OptionSpec(value=str(number), label=str(number)) for number in range(low, high + 1))
        return self.options


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    questions: tuple[QuestionSpec, ...]
    intro: str = ""
    layout: str = "list"
    columns: tuple[tuple[str, str], ...] = ()

    def shown_to(self, role: str) -> bool:
        return any(question.shown_to(role) for question in self.questions)


@dataclass(frozen=True)
class InstrumentSpec:
    key: str
    version: int
    title: str
    sections: tuple[SectionSpec, ...]
    description: str = ""
    model_version: str = ""
    source: str = "file"
    content_hash: str = ""
    _by_key: dict[str, QuestionSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({question.key: question for question in self.questions()})

    def questions(self) -> list[QuestionSpec]:
        return [question for section in self.sections for question in section.questions]

    def question(self, key: str) -> QuestionSpec | None:
        return self._by_key.get(key)

    def section(self, key: str) -> SectionSpec | None:
        return next((section for section in self.sections if section.key == key), None)

    def sections_for(self, role: str) -> list[SectionSpec]:
        return [section for section in self.sections if section.shown_to(role)]

    def as_dict(self) -> dict[str, Any]:
        """The normalised definition: what is stored, hashed, and parsed back into the same spec."""
        return {
            "key": self.key,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "model_version": self.model_version,
            "source": self.source,
            "sections": [_section_dict(section) for section in self.sections],
        }


def _section_dict(section: SectionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"key": section.key, "title": section.title, "intro": section.intro, "layout": section.layout}
    if section.columns:
        data["columns"] = dict(section.columns)
    data["questions"] = [_question_dict(question) for question in section.questions]
    return data


def _question_dict(question: QuestionSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"key": question.key, "type": question.qtype, "text": question.text}
    if question.help:
        data["help"] = question.help
    if question.required:
        data["required"] = True
    if question.roles:
        data["roles"] = list(question.roles)
    if question.show_if:
        data["show_if"] = {"question": question.show_if.question, "in": list(question.show_if.values)}
    if question.aspect:
        data["aspect"] = question.aspect
    if question.perspective != "self":
        data["perspective"] = question.perspective
    if question.capability:
        data["capability"] = question.capability
    if question.options:
        data["options"] = [{"value": o.value, "label": o.label, "level": o.level} for o in question.options]
    if question.min_value is not None:
        data["min"] = question.min_value
    if question.max_value is not None:
        data["max"] = question.max_value
    return data
