"""GitHub issue forms: their templates turned into instruments, and issue bodies read back into answers.

All pure. GitHub writes each non-markdown field of a form into the issue body as `### <label>`, a
blank line and the value; `_No response_` for an empty optional field; dropdown choices as their text,
several comma-joined; checkboxes as a task list. Rendering is keyed by label, so reading maps each label
(and every label the field had in earlier versions of the form) back to the field's id. A heading that is no
label of the form is its own section, reported, and never merged into the answer above it.

An issue is identified by its repository and number (`github:owner/name#N`) whichever way it arrives: from
GitHub's API, from saved issue JSON, or from a saved body that names it in a front matter or a first-line
marker. A saved body that names no issue is identified by a digest of its content.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.text import slugify

from surveys.instruments import InstrumentError, InstrumentSpec, QuestionSpec, parse_instrument

NO_RESPONSE = "_No response_"
SECTION_KEY = "issue-form"

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADER = re.compile(r"^ {0,3}### +(.*?)(?:[ \t]+#+)?[ \t]*$")
_TASK = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s?(.*)$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_ISSUE_URL = re.compile(
    r"^https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100})/(?:issues|pull)/([0-9]{1,12})/?(?:[#?].*)?$"
)
_REPOSITORY_URL = re.compile(r"^https?://api\.github\.com/repos/([A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100})/?$")
_SHORT_REF = re.compile(r"^(?:github:)?([A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100})#([0-9]{1,12})$")
_MARKER = re.compile(r"^<!--\s*(?:issue:\s*)?(\S+)\s*-->$")
_FRONT_KEY = re.compile(r"^([A-Za-z_]+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class IssueForm:
    """One issue written through a form: where it came from and its body."""

    source_id: str
    body: str
    title: str = ""
    author: str = ""
    url: str = ""
    created_at: datetime | None = None
    issue_id: str = ""  # `github:owner/name#N` when the issue is known; the same whatever the path


@dataclass(frozen=True)
class IssueAnswers:
    """Raw answers read from one body, keyed by question key, with notes on what could not be used.

    `unknown` holds every section whose heading is no label of the form (heading -> text), kept apart."""

    raw: dict[str, object]
    found: int
    warnings: tuple[str, ...] = field(default=())
    unknown: dict[str, str | None] = field(default_factory=dict)


# --- identity ----------------------------------------------------------------------------------------------


def issue_identity(repository: object, number: object) -> str:
    """`github:owner/name#N` (lower case, as GitHub names are case-insensitive), or "" when either part is invalid."""
    if isinstance(number, bool) or not isinstance(repository, str):
        return ""
    name = repository.strip().strip("/")
    text = str(number).strip() if isinstance(number, int | str) else ""
    if not _REPOSITORY.match(name) or not text.isascii() or not text.isdigit() or int(text) <= 0:
        return ""
    return f"github:{name.casefold()}#{int(text)}"


def identity_from_url(url: object, number: object = None) -> str:
    """The identity named by an issue's `html_url`, or by a `repository_url` (API form) with its `number`."""
    if not isinstance(url, str):
        return ""
    found = _ISSUE_URL.match(url.strip())
    if found:
        return issue_identity(found.group(1), found.group(2))
    found = _REPOSITORY_URL.match(url.strip())
    return issue_identity(found.group(1), number) if found else ""


def identity_url(issue_id: str) -> str:
    """The issue's page on GitHub for an identity from `issue_identity`."""
    repository, _, number = issue_id.removeprefix("github:").rpartition("#")
    return f"https://github.com/{repository}/issues/{number}"


def _reference(text: str) -> str:
    text = text.strip().strip("\"'")
    short = _SHORT_REF.match(text)
    return issue_identity(short.group(1), short.group(2)) if short else identity_from_url(text)


def _front_matter(lines: list[str]) -> tuple[str, int] | None:
    """(identity, lines it spans) for a `---` front matter at the top naming `repository` and `number`, or a `url`."""
    if not lines or lines[0].strip() != "---":
        return None
    fields: dict[str, str] = {}
    for index, line in enumerate(lines[1:40], start=1):
        if line.strip() == "---":
            if "url" in fields or "html_url" in fields:
                identity = _reference(fields.get("html_url") or fields["url"])
            else:
                identity = issue_identity(fields.get("repository", "").strip("\"'"), fields.get("number", "").strip("\"'"))
            return identity, index + 1
        found = _FRONT_KEY.match(line)
        if found is None:
            return None
        fields[found.group(1).casefold()] = found.group(2)
    return None


def split_marker(body: str) -> tuple[str, str]:
    """(identity, body without it) for a saved body: a front matter or a first-line `<!-- owner/name#N -->` marker
    (an issue URL works too). ("", body) when the body names no issue."""
    lines = body.split("\n")
    front = _front_matter(lines)
    if front is not None and front[0]:
        return front[0], "\n".join(lines[front[1] :])
    marker = _MARKER.match(lines[0].strip()) if lines else None
    if marker is not None and (identity := _reference(marker.group(1))):
        return identity, "\n".join(lines[1:])
    return "", body


def content_source_id(body: str) -> str:
    """The source id of a saved body that names no issue: a digest of its text (line endings aside), so the same
    body always gives the same id and two different bodies never share one, whatever their files are called."""
    text = body.replace("\r\n", "\n")
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _normal(label: str) -> str:
    return " ".join(label.split()).casefold()


def _is_closing_fence(line: str, fence: tuple[str, int]) -> bool:
    char, length = fence
    indent = len(line) - len(line.lstrip(" "))
    stripped = line.strip()
    return indent <= 3 and len(stripped) >= length and set(stripped) == {char}


def _tidy(lines: list[str]) -> str | None:
    """The section's text as written: only the blank lines GitHub puts around a value go."""
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    text = "\n".join(lines)
    if not text.strip() or text.strip() == NO_RESPONSE:
        return None
    return text


def split_sections(body: str, *, labels: Collection[str] | None = None) -> dict[str, str | None]:
    """`### Label` sections of a body, label -> text (None when empty or `_No response_`).

    A `### ` line inside a fenced code block is content, not a header. With `labels`, only those
    labels (compared ignoring case and spacing) start a section, so a heading someone typed inside
    their free text stays part of the answer. Text before the first section is ignored; when a
    label appears twice, the first one counts.
    """
    wanted = {_normal(label) for label in labels} if labels is not None else None
    sections: dict[str, str | None] = {}
    current: str | None = None
    buffer: list[str] = []
    fence: tuple[str, int] | None = None
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:
            buffer.append(line)
            if _is_closing_fence(line, fence):
                fence = None
            continue
        opening = _FENCE_OPEN.match(line)
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = (opening.group(1)[0], len(opening.group(1)))
            buffer.append(line)
            continue
        header = _HEADER.match(line)
        if header and header.group(1).strip() and (wanted is None or _normal(header.group(1)) in wanted):
            if current is not None and current not in sections:
                sections[current] = _tidy(buffer)
            current, buffer = header.group(1).strip(), []
            continue
        buffer.append(line)
    if current is not None and current not in sections:
        sections[current] = _tidy(buffer)
    return sections


def task_list(text: str) -> list[str] | None:
    """The checked labels when the text is only a task list (`- [x] label`), else None."""
    lines = [line for line in text.split("\n") if line.strip()]
    items = [_TASK.match(line) for line in lines]
    if not lines or not all(items):
        return None
    return [match.group(2).strip() for match in items if match and match.group(1) in "xX"]


def parse_issue_body(body: str) -> dict[str, str | list[str] | None]:
    """Every `### Label` section of an issue body: text, a list of checked labels for a task list, or None."""
    if not isinstance(body, str):
        return {}
    parsed: dict[str, str | list[str] | None] = {}
    for label, text in split_sections(body).items():
        checked = task_list(text) if text is not None else None
        parsed[label] = checked if checked is not None else text
    return parsed


# --- template -> instrument -------------------------------------------------------------------------------


def _element_key(element: dict[str, Any], label: str, used: set[str]) -> str:
    raw_id = element.get("id")
    base = str(raw_id).strip() if isinstance(raw_id, str | int) and str(raw_id).strip() else slugify(label)[:90] or "field"
    key, n = base, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    used.add(key)
    return key


def _option_values(labels: list[str]) -> list[dict[str, Any]]:
    used: set[str] = set()
    options = []
    for index, label in enumerate(labels, start=1):
        base = slugify(label)[:80] or f"option-{index}"
        value, n = base, 2
        while value in used:
            value, n = f"{base}-{n}", n + 1
        used.add(value)
        options.append({"value": value, "label": label})
    return options


def _element_question(element: Any, index: int, used: set[str]) -> dict[str, Any] | None:
    if not isinstance(element, dict):
        raise InstrumentError(f"Form element {index}: must be a mapping.")
    kind = element.get("type")
    if kind == "markdown":
        return None
    if kind not in ("input", "textarea", "dropdown", "checkboxes"):
        raise InstrumentError(f"Form element {index}: unknown type {kind!r} (markdown, input, textarea, dropdown, checkboxes).")
    attributes = element.get("attributes")
    if not isinstance(attributes, dict):
        raise InstrumentError(f"Form element {index} ({kind}): 'attributes' must be a mapping.")
    label = attributes.get("label")
    if not isinstance(label, str) or not label.strip():
        raise InstrumentError(f"Form element {index} ({kind}): 'attributes.label' must be a non-empty string.")
    validations = element.get("validations") or {}
    required = bool(validations.get("required")) if isinstance(validations, dict) else False
    question: dict[str, Any] = {"key": _element_key(element, label, used), "text": label.strip()}
    description = attributes.get("description")
    if isinstance(description, str) and description.strip():
        question["help"] = description.strip()
    if required:
        question["required"] = True
    if kind in ("input", "textarea"):
        question["type"] = "text"
    elif kind == "dropdown":
        options = attributes.get("options")
        if not isinstance(options, list) or not options or not all(isinstance(o, str | int | float) for o in options):
            raise InstrumentError(f"Form element {index} ({label}): a dropdown needs a list of option texts.")
        question["type"] = "multi_choice" if attributes.get("multiple") is True else "single_choice"
        question["options"] = _option_values([str(option).strip() for option in options])
    elif kind == "checkboxes":
        options = attributes.get("options")
        if not isinstance(options, list) or not options:
            raise InstrumentError(f"Form element {index} ({label}): checkboxes need a list of options.")
        labels = []
        for option in options:
            text = option.get("label") if isinstance(option, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise InstrumentError(f"Form element {index} ({label}): each checkbox needs a 'label'.")
            labels.append(text.strip())
        question["type"] = "multi_choice"
        question["options"] = _option_values(labels)
    return question


def issue_form_definition(template: Any, *, key: str | None = None, version: int = 1) -> dict[str, Any]:
    """An instrument definition (as `parse_instrument` reads it) for a GitHub issue-form template."""
    if not isinstance(template, dict):
        raise InstrumentError("The issue form must be a mapping with 'name' and 'body'.")
    name = template.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InstrumentError("The issue form needs a 'name'.")
    body = template.get("body")
    if not isinstance(body, list) or not body:
        raise InstrumentError("The issue form needs a non-empty 'body' list.")
    used: set[str] = set()
    questions = [q for index, element in enumerate(body, start=1) if (q := _element_question(element, index, used))]
    if not questions:
        raise InstrumentError("The issue form has no fields, only markdown.")
    labels = [_normal(question["text"]) for question in questions]
    if len(set(labels)) != len(labels):
        raise InstrumentError("Two fields of the issue form share a label; GitHub needs labels to be unique.")
    description = template.get("description")
    return {
        "key": key or slugify(name)[:80],
        "version": version,
        "title": name.strip(),
        "description": description.strip() if isinstance(description, str) else "",
        "source": "issue_form",
        "sections": [{"key": SECTION_KEY, "title": name.strip(), "questions": questions}],
    }


def issue_form_instrument(template: Any, *, key: str | None = None, version: int = 1) -> InstrumentSpec:
    return parse_instrument(issue_form_definition(template, key=key, version=version))


# --- body -> answers --------------------------------------------------------------------------------------


def _option_for(question: QuestionSpec, text: str) -> str | None:
    wanted = _normal(text)
    for option in question.options:
        if _normal(option.label) == wanted or option.value == text.strip():
            return option.value
    return None


def _split_choices(question: QuestionSpec, text: str) -> tuple[list[str], list[str]]:
    """Comma-joined choices, matched to option labels (which may contain commas themselves)."""
    labels = sorted(((_normal(o.label), o.value) for o in question.options), key=lambda item: -len(item[0]))
    remaining = " ".join(text.split())
    chosen: list[str] = []
    unknown: list[str] = []
    while remaining:
        folded = remaining.casefold()
        match = next(
            ((label, value) for label, value in labels if folded.startswith(label) and folded[len(label) :][:1] in ("", ",")),
            None,
        )
        if match:
            chosen.append(match[1])
            remaining = remaining[len(match[0]) :]
        else:
            piece, _, remaining = remaining.partition(",")
            if piece.strip():
                unknown.append(piece.strip())
        remaining = remaining.lstrip(", ")
    return chosen, unknown


def _raw_value(question: QuestionSpec, text: str) -> tuple[object, list[str]]:
    if question.qtype == "single_choice":
        value = _option_for(question, text)
        return (value, []) if value else (None, [text])
    if question.qtype == "multi_choice":
        checked = task_list(text)
        if checked is not None:
            values = [_option_for(question, label) for label in checked]
            unknown = [label for label, value in zip(checked, values, strict=True) if value is None]
            return [value for value in values if value], unknown
        return _split_choices(question, text)
    return text, []


def form_labels(spec: InstrumentSpec, aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Normalised label -> question key: the form's labels, then labels its fields had before (`aliases`,
    label -> key) where no current label already uses them."""
    labels = {_normal(question.text): question.key for question in spec.questions()}
    for label, key in (aliases or {}).items():
        if spec.question(key) is not None:
            labels.setdefault(_normal(label), key)
    return labels


def issue_answers(
    spec: InstrumentSpec, body: str, *, role: str | None = None, aliases: Mapping[str, str] | None = None
) -> IssueAnswers:
    """Raw answers for every question of the instrument from one issue body (None where the body has none).

    Every `### ` heading outside a code fence starts a section. A heading is matched to a field by the field's
    current label or an earlier one (`aliases`); any other heading is kept in `unknown` and reported, so its
    text never ends up inside another answer. Text answers are kept exactly as written.
    """
    questions = [question for question in spec.questions() if role is None or question.shown_to(role)]
    labels = form_labels(spec, aliases)
    wanted = {question.key for question in questions}
    sections: dict[str, str | None] = {}
    unknown: dict[str, str | None] = {}
    warnings: list[str] = []
    for heading, text in split_sections(body).items():
        key = labels.get(_normal(heading))
        if key is None:
            unknown[heading] = text
            warnings.append(f"The heading {heading[:80]!r} is no field of the form; its text is stored apart, not as an answer.")
        elif key in sections:
            warnings.append(f"The heading {heading[:80]!r} repeats a field already answered; the first one counts.")
        elif key in wanted:
            sections[key] = text
    raw: dict[str, object] = {}
    for question in questions:
        text = sections.get(question.key)
        if text is None:
            raw[question.key] = None
            continue
        value, unmatched = _raw_value(question, text)
        raw[question.key] = value
        if unmatched:
            warnings.append(
                f"{question.text}: {', '.join(repr(u[:60]) for u in unmatched)} is not an option of the form; left out."
            )
    return IssueAnswers(raw=raw, found=len(sections), warnings=tuple(warnings), unknown=unknown)
