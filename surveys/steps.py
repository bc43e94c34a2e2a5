"""The survey as steps of a form: which sections a role sees, and the fields each step renders (no database)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from surveys.answers import missing_required, rendered_keys, visible_keys
from surveys.instruments import LEVEL_NAMES, InstrumentSpec, QuestionSpec, SectionSpec

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def steps_for(spec: InstrumentSpec, role: str) -> list[SectionSpec]:
    return spec.sections_for(role)


def dom_id(key: str) -> str:
    return "q-" + _UNSAFE_ID.sub("-", key)


@dataclass(frozen=True)
class OptionView:
    value: str
    label: str
    hint: str
    checked: bool
    dom_id: str


@dataclass
class FieldView:
    question: QuestionSpec
    dom_id: str
    value: Any
    options: list[OptionView]
    error: str = ""
    show_if_question: str = ""
    show_if_values: str = ""
    label: str = ""
    heading: str = ""  # in a capability table: the column's heading, the label a stacked card shows

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def text_value(self) -> str:
        return "" if self.value is None or isinstance(self.value, list) else str(self.value)

    @property
    def describedby(self) -> str:
        ids = []
        if self.question.help:
            ids.append(f"{self.dom_id}-help")
        if self.error:
            ids.append(f"{self.dom_id}-error")
        return " ".join(ids)


@dataclass
class CapabilityRow:
    capability: str
    name: str
    description: str
    cells: list[FieldView | None] = field(default_factory=list)


def _selected(question: QuestionSpec, value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, list):
        return {str(item) for item in value}
    return {str(value)}


def _options(
    question: QuestionSpec, value: Any, base_id: str, hints: Mapping[tuple[str, int], tuple[str, str]]
) -> list[OptionView]:
    chosen = _selected(question, value)
    options = []
    for index, option in enumerate(question.choices(), start=1):
        label, hint = option.label, ""
        if question.qtype == "target_level" and option.level:
            cell = hints.get((question.aspect or "", option.level))
            label = f"{option.level}. {LEVEL_NAMES[option.level]}" + (f": {cell[0]}" if cell else "")
            hint = cell[1] if cell else ""
        options.append(OptionView(option.value, label, hint, option.value in chosen, f"{base_id}-{index}"))
    return options


def build_fields(
    *,
    spec: InstrumentSpec,
    role: str,
    section: SectionSpec,
    values: Mapping[str, Any],
    errors: Mapping[str, str] | None = None,
    hints: Mapping[tuple[str, int], tuple[str, str]] | None = None,
) -> list[FieldView]:
    """The fields a step shows, with their current values (stored or just posted) and errors."""
    errors = errors or {}
    in_step = {question.key for question in section.questions}
    fields = []
    for key in rendered_keys(spec, role, section.key, values):
        question = spec.question(key)
        assert question is not None
        base = dom_id(key)
        view = FieldView(
            question=question,
            dom_id=base,
            value=values.get(key),
            options=_options(question, values.get(key), base, hints or {}),
            error=errors.get(key, ""),
        )
        if question.show_if and question.show_if.question in in_step:
            view.show_if_question = question.show_if.question
            view.show_if_values = json.dumps(list(question.show_if.values))
        fields.append(view)
    return fields


def capability_rows(
    section: SectionSpec, fields: list[FieldView], names: Mapping[str, tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[CapabilityRow], list[FieldView]]:
    """Columns, rows (a domain each) and the remaining fields of a capability-table step."""
    facets: list[str] = []
    by_capability: dict[str, dict[str, FieldView]] = {}
    others = []
    for view in fields:
        capability = view.question.capability
        if capability is None or view.question.qtype != "single_choice":
            others.append(view)
            continue
        if view.question.facet not in facets:
            facets.append(view.question.facet)
        by_capability.setdefault(capability, {})[view.question.facet] = view
    headings = dict(section.columns)
    columns = [(facet, headings.get(facet, facet.replace("_", " ").capitalize())) for facet in facets]
    rows = []
    for capability, cells in by_capability.items():
        name, description = names.get(capability, (capability.replace("_", " ").capitalize(), ""))
        row = CapabilityRow(capability=capability, name=name, description=description)
        for facet, heading in columns:
            cell = cells.get(facet)
            if cell is not None:
                cell.label = f"{name}: {heading}"
                cell.heading = heading
            row.cells.append(cell)
        rows.append(row)
    return columns, rows, others


def step_missing(spec: InstrumentSpec, role: str, section: SectionSpec, values: Mapping[str, Any]) -> list[QuestionSpec]:
    in_step = {question.key for question in section.questions}
    return [question for question in missing_required(spec, role, values) if question.key in in_step]


def progress(spec: InstrumentSpec, role: str, values: Mapping[str, Any]) -> tuple[int, int]:
    """(answered, total) over the questions this person sees now."""
    shown = visible_keys(spec, role, values)
    return sum(1 for key, value in values.items() if key in shown and value not in (None, "", [])), len(shown)
