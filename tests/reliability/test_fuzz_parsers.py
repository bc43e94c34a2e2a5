"""Hostile data files for every YAML/JSON parser the service reads: the safe YAML loader, the maturity
model, survey instruments, GitHub issue-form templates (and bodies answered on them) and cluster dumps.
Only each parser's documented error type may escape, and what it accepts is plain data."""

from __future__ import annotations

import copy
import json
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from hypothesis import given
from hypothesis import strategies as st

from assessor.maturity import ModelFileError, parse_model, read_model_file
from assessor.yamlsafe import YAMLInputError, load_yaml, load_yaml_all
from collectors.cluster import cluster_signals
from collectors.dump import DumpError, listed_kinds, parse_dump
from surveys import conf
from surveys.instruments import InstrumentError, parse_instrument, read_instrument_file
from surveys.issueforms import issue_answers, issue_form_definition, issue_form_instrument
from tests.reliability.conftest import EXAMPLES, FUZZ_PURE, OVERFLOW, STATUSES, holds_unstorable, with_overflow

ISSUE_FORM_FILE = Path(conf.__file__).resolve().parent / "data" / "issue_forms" / "infrastructure.yaml"
MODEL_DOC = load_yaml(Path(django_settings.MATURITY_MODEL_FILE).read_bytes())
INSTRUMENT_DOC = load_yaml(Path(conf.default_instrument_file()).read_bytes())
ISSUE_FORM_DOC = load_yaml(ISSUE_FORM_FILE.read_bytes())
ISSUE_FORM_SPEC = issue_form_instrument(ISSUE_FORM_DOC)

# --- hostile YAML text -------------------------------------------------------------------------------------

UNSAFE_TAGS = [
    "!!python/object/apply:os.system ['true']",
    "!!python/object/new:subprocess.Popen [['true']]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!custom {x: 1}",
    "!<tag:yaml.org,2002:python/object:builtins.object> {}",
]


def alias_bomb(levels: int, width: int) -> str:
    lines = ['a: &a ["lol"]']
    names = [chr(ord("a") + i) for i in range(levels + 1)]
    for previous, name in pairwise(names):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * width)}]")
    return "\n".join(lines)


def nested(depth: int, opener: str, closer: str) -> str:
    return opener * depth + "1" + closer * depth


hostile_yaml = st.one_of(
    st.sampled_from(UNSAFE_TAGS).map(lambda tag: f"key: {tag}\n"),
    st.sampled_from(UNSAFE_TAGS),
    st.builds(alias_bomb, st.integers(1, 9), st.integers(1, 9)),
    st.builds(nested, st.integers(1, 5000), st.just("["), st.just("]")),
    st.builds(nested, st.integers(1, 5000), st.just("{a: "), st.just("}")),
    st.integers(1, 300).map(lambda depth: "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + "  " * depth + "v"),
    st.integers(1, 300).map(lambda depth: "".join(f"{'  ' * i}- \n" for i in range(depth)) + "  " * depth + "x"),
    st.text(alphabet="{}[]:,-&*!|>'\"# \n\t?%@`abc01", max_size=300),
    st.text(max_size=300),
)
hostile_yaml_bytes = st.one_of(
    hostile_yaml.map(str.encode),
    st.binary(max_size=300),
    st.sampled_from([b"\xff\xfe\x00\x00", b"a: \x80\x81", b"\x00" * 50, "\ufeffa: 1".encode()]),
)


def plain(value: Any, depth: int = 0) -> bool:
    """Only the types of YAML's safe schema (JSON's, plus dates, bytes, sets and pairs): no objects from tags."""
    import datetime

    if depth > 100:
        return False
    if value is None or isinstance(value, bool | int | float | str | bytes | datetime.date | datetime.datetime):
        return True
    if isinstance(value, list | tuple | set):
        return all(plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(plain(k, depth + 1) and plain(v, depth + 1) for k, v in value.items())
    return False


@FUZZ_PURE
@given(text=hostile_yaml | hostile_yaml_bytes)
def test_load_yaml_raises_only_its_own_error_and_returns_plain_data(text):
    EXAMPLES["assessor.yamlsafe.load_yaml / load_yaml_all"] += 1
    for loader in (load_yaml, load_yaml_all):
        try:
            result = loader(text, max_bytes=20_000)
        except YAMLInputError as exc:
            assert str(exc)
        else:
            assert plain(result)


def test_unsafe_tags_and_alias_bombs_are_refused_not_expanded():
    for tag in UNSAFE_TAGS[:5]:
        with pytest.raises(YAMLInputError):
            load_yaml(f"key: {tag}\n")
    with pytest.raises(YAMLInputError, match="aliases"):
        load_yaml(alias_bomb(9, 9))
    with pytest.raises(YAMLInputError, match="deep"):
        load_yaml(nested(5000, "[", "]"))


# --- structured mutations of the real documents ------------------------------------------------------------

json_hostile_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(),
    st.text(max_size=30),
    st.sampled_from(["", " ", "1.0", "Provisional", "investment", "single_choice", "x" * 20_000, "\x00", "\u202e"]),
    st.lists(st.none() | st.integers() | st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.none() | st.integers() | st.text(max_size=5), max_size=3),
    st.integers(1, 200).map(lambda depth: nested_list(depth)),
)
# What YAML's safe schema can also produce: !!binary, !!set, !!omap, timestamps.
hostile_values = json_hostile_values | st.sampled_from([b"hello", frozenset({"a"}), [("a", 1)], date(2026, 1, 1)])


def nested_list(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found.extend(paths(value, (*prefix, index)))
    return found


def mutate(doc: Any, data: Any, *, edits: int = 3, values: Any = None) -> Any:
    """The document with a few random places replaced by hostile values, removed, or duplicated."""
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, edits))):
        where = data.draw(st.sampled_from(paths(doc)))
        if not where:
            doc = data.draw(hostile_values if values is None else values)
            continue
        parent = doc
        try:
            for step in where[:-1]:
                parent = parent[step]
            last = where[-1]
            action = data.draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]))
            if action == "replace":
                parent[last] = data.draw(hostile_values if values is None else values)
            elif action == "delete":
                del parent[last]
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(parent[last]))
            else:
                parent[f"{last}_copy"] = copy.deepcopy(parent[last])
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit changed the shape under this path
    return doc


def test_the_real_documents_parse():
    parse_model(MODEL_DOC)
    parse_instrument(INSTRUMENT_DOC)
    assert ISSUE_FORM_SPEC.questions()


@FUZZ_PURE
@given(data=st.data())
def test_parse_model_raises_only_model_file_errors(data):
    EXAMPLES["assessor.maturity.parse_model (mutated model)"] += 1
    doc = mutate(MODEL_DOC, data)
    try:
        parse_model(doc)
    except ModelFileError as exc:
        assert str(exc)


@FUZZ_PURE
@given(data=st.data())
def test_parse_instrument_raises_only_instrument_errors(data):
    EXAMPLES["surveys.instruments.parse_instrument (mutated instrument)"] += 1
    doc = mutate(INSTRUMENT_DOC, data)
    try:
        parse_instrument(doc)
    except InstrumentError as exc:
        assert str(exc)


@FUZZ_PURE
@given(data=st.data())
def test_issue_form_converter_raises_only_instrument_errors(data):
    EXAMPLES["surveys.issueforms.issue_form_instrument (mutated template)"] += 1
    template = mutate(ISSUE_FORM_DOC, data)
    try:
        issue_form_definition(template)
        issue_form_instrument(template)
    except InstrumentError as exc:
        assert str(exc)


labels = [question.text for question in ISSUE_FORM_SPEC.questions()]
option_labels = [option.label for question in ISSUE_FORM_SPEC.questions() for option in question.choices()]
body_lines = st.one_of(
    st.sampled_from(labels).map(lambda label: f"### {label}"),
    st.sampled_from(option_labels).map(lambda label: f"- [x] {label}"),
    st.sampled_from(option_labels),
    st.sampled_from(["_No response_", "```", "~~~", "- [ ] nope", "", "### ", "<!-- -->"]),
    st.text(max_size=60),
)


@FUZZ_PURE
@given(body=st.lists(body_lines, max_size=30).map("\n".join), role=st.sampled_from([None, "app_developer", "platform"]))
def test_issue_bodies_answered_on_the_form_never_raise(body, role):
    EXAMPLES["surveys.issueforms.issue_answers (issue bodies)"] += 1
    answers = issue_answers(ISSUE_FORM_SPEC, body, role=role)
    assert isinstance(answers.raw, dict) and all(isinstance(w, str) for w in answers.warnings)


@st.composite
def mutated_files(draw: Any) -> bytes:
    """A mutated instrument or model, written as YAML's JSON subset."""
    document = draw(st.sampled_from([INSTRUMENT_DOC, MODEL_DOC]))
    return json.dumps(mutate(document, _Drawer(draw), values=json_hostile_values)).encode()


class _Drawer:
    """Lets `mutate` draw from inside a composite strategy as it does from st.data()."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw


@FUZZ_PURE
@given(data=hostile_yaml_bytes | mutated_files())
def test_reading_hostile_instrument_and_model_files_raises_only_their_errors(tmp_path_factory, data):
    EXAMPLES["read_instrument_file / read_model_file (hostile files)"] += 1
    path = tmp_path_factory.mktemp("files") / "hostile.yaml"
    path.write_bytes(data)
    for reader, error in ((read_instrument_file, InstrumentError), (read_model_file, ModelFileError)):
        try:
            reader(path)
        except error as exc:
            assert str(exc)


# --- cluster dumps -----------------------------------------------------------------------------------------

DUMP = {
    "apiVersion": "v1",
    "kind": "List",
    "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns{i}", "labels": {"team": "checkout"}}}
        for i in range(40)
    ]
    + [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "ns1", "labels": {"app": "web"}},
            "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}},
        }
    ],
}
DUMP_BYTES = json.dumps(DUMP).encode()


def _dump_checked(data: bytes | str) -> None:
    try:
        parsed = parse_dump(data, max_bytes=200_000)
    except DumpError as exc:
        assert str(exc)
        return
    cluster_signals(parsed, team_label="team", listed=listed_kinds(parsed))


@FUZZ_PURE
@given(cut=st.integers(0, len(DUMP_BYTES) - 1))
def test_truncated_dumps_are_refused_with_a_message(cut):
    EXAMPLES["collectors.dump.parse_dump (truncated)"] += 1
    with pytest.raises(DumpError):
        parse_dump(DUMP_BYTES[:cut], max_bytes=200_000)


@FUZZ_PURE
@given(data=st.data())
def test_dumps_with_wrong_types_anywhere_raise_only_dump_errors(data):
    EXAMPLES["collectors.dump.parse_dump (wrong types)"] += 1
    _dump_checked(json.dumps(mutate(DUMP, data, edits=4, values=json_hostile_values)))


@FUZZ_PURE
@given(copies=st.integers(1, 4000), padding=st.integers(0, 400_000))
def test_huge_dumps_are_refused_before_parsing_or_read_within_the_limit(copies, padding):
    EXAMPLES["collectors.dump.parse_dump (huge)"] += 1
    items = DUMP["items"][:1] * copies
    data = json.dumps({"apiVersion": "v1", "kind": "List", "items": items, "pad": "x" * padding}).encode()
    if len(data) > 200_000:
        with pytest.raises(DumpError, match="limit"):
            parse_dump(data, max_bytes=200_000)
    else:
        assert len(parse_dump(data, max_bytes=200_000)) == copies


DEEP = "\u0002deep"  # a string written into the JSON text as a hostile value nested thousands of levels deep
surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
dump_unstorable_values = st.one_of(
    st.sampled_from([float("nan"), float("inf"), float("-inf"), OVERFLOW, "\x00", "ns\x00"]),
    st.tuples(st.text(max_size=5), surrogates, st.text(max_size=5)).map("".join),
    st.dictionaries(surrogates, st.text(max_size=5), min_size=1, max_size=2),  # a key that is not text
    st.integers(1, 200).map(lambda depth: nested_nan(depth)),
    st.just(DEEP),
)


def nested_nan(depth: int) -> Any:
    value: Any = float("nan")
    for _ in range(depth):
        value = {"x": [value]}
    return value


def with_deep(text: str, depth: int) -> str:
    return text.replace(json.dumps(DEEP), "[" * depth + "1e400" + "]" * depth)


@FUZZ_PURE
@given(data=st.data(), depth=st.integers(500, 5000))
def test_dumps_with_unstorable_values_anywhere_are_refused_saying_where(data, depth):
    EXAMPLES["collectors.dump.parse_dump (NaN, 1e400, lone surrogates, NUL, deep nesting)"] += 1
    text = with_deep(with_overflow(json.dumps(mutate(DUMP, data, edits=2, values=dump_unstorable_values))), depth)
    hostile = holds_unstorable(text)
    kind = {True: "unstorable value", None: "too deep for Python's parser", False: "storable"}[hostile]
    try:
        parsed = parse_dump(text, max_bytes=200_000)
    except DumpError as exc:
        STATUSES[f"parse_dump ({kind}) DumpError"] += 1
        message = str(exc)
        message.encode("utf-8")  # the message can be shown and stored
        if hostile:
            assert "cannot be stored" in message, message
        elif hostile is None:  # too deep for Python's parser
            assert "nested too deeply" in message or "not valid JSON" in message, message
        return
    STATUSES[f"parse_dump ({kind}) accepted"] += 1
    assert hostile is False  # whatever was accepted holds only storable values
    cluster_signals(parsed, team_label="team", listed=listed_kinds(parsed))
