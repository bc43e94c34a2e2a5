"""Domain data files: YAML read safely, validated against the JSON Schema beside it, returned as plain data.

Every data file the apps read (the maturity model, instruments, evidence rules, detectors, the cluster
catalog, rubrics, capability domains, benchmarks, demo data) comes through here, so every one is checked the
same way and fails the same way: with `DataFileInvalid`, whose message has one line per violation,
"<file>: <JSON path>: <problem>", for example

    collectors/data/evidence_rules/rules-1.yaml: rules[3].level: 7 is greater than the maximum of 4

The module that owns a file keeps only the checks a schema cannot express (keys that must be unique,
references to another file such as an aspect of the maturity model) and raises them as the same error,
built with `json_path` so they read alike.

Schemas are JSON Schema draft 2020-12, read once per process. A subschema may carry an "errorMessage":
when one of its keywords fails, that text replaces the validator's generic wording. It suits a subschema
with a single rule (a oneOf, a not, the then of an if), whose generic wording says little; wrap the rule
in an allOf to keep the message from covering the other keywords beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from assessor.yamlsafe import YAMLInputError, load_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_PROBLEMS = 20  # a message lists this many violations, then counts the rest
_SHORT = 60  # values whose repr is longer are described ("a mapping with 7 keys") rather than printed
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class DataFileInvalid(ValueError):
    """A data file (or a document meant to be one) breaks its schema or a rule the schema cannot express.

    `problems` holds one "<JSON path>: <problem>" line per violation; `path` is the file, when there is one,
    and `source` how messages name it (the path within the project, or a label such as "maturity model").
    """

    def __init__(self, *problems: str, source: str | Path | None = None) -> None:
        super().__init__(*problems)
        self.problems: tuple[str, ...] = problems or ("is not valid",)
        self.path: Path | None = source if isinstance(source, Path) else None
        self.source: str = display_name(source) if source is not None else ""

    def __str__(self) -> str:
        shown = list(self.problems[:MAX_PROBLEMS])
        if len(self.problems) > MAX_PROBLEMS:
            shown.append(f"... and {len(self.problems) - MAX_PROBLEMS} more problems")
        return "\n".join(f"{self.source}: {problem}" if self.source else problem for problem in shown)


def display_name(source: str | Path) -> str:
    """How messages name a file: its path within the project when it is inside it, else as given."""
    if isinstance(source, str):
        return source
    try:
        return str(source.resolve().relative_to(PROJECT_ROOT))
    except (ValueError, OSError):
        return str(source)


def json_path(parts: Iterable[str | int]) -> str:
    """`rules[3].level` for ("rules", 3, "level"); keys that are not plain names are quoted: `categories["a.b"]`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _NAME.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part, ensure_ascii=False)}]"
    return out


def problem(parts: Iterable[str | int], message: str) -> str:
    """One violation, as the messages of DataFileInvalid list it: "<JSON path>: <message>"."""
    where = json_path(parts)
    return f"{where}: {message}" if where else message


@cache
def schema_validator(schema: Path) -> Draft202012Validator:
    """The validator for a schema file, read and checked against the draft 2020-12 meta-schema once."""
    document = json.loads(schema.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(document)
    return Draft202012Validator(document)


def check_data(data: Any, schema: Path, *, source: str | Path, error: type[DataFileInvalid] = DataFileInvalid) -> Any:
    """`data` itself when it satisfies the schema; otherwise `error` listing every violation."""
    problems = _key_problems(data, ())
    if not problems:
        errors = sorted(schema_validator(schema).iter_errors(data), key=_error_order)
        problems = list(dict.fromkeys(_problem_of(error) for error in errors))
    if problems:
        raise error(*problems, source=source)
    return data


def parse_data_text(
    text: str | bytes, schema: Path, *, source: str | Path, error: type[DataFileInvalid] = DataFileInvalid
) -> Any:
    """YAML text (JSON is YAML too), read with the safe loader and checked against the schema."""
    try:
        data = load_yaml(text)
    except YAMLInputError as exc:
        raise error(str(exc), source=source) from exc
    return check_data(data, schema, source=source, error=error)


def read_data_file(path: Path, schema: Path, *, error: type[DataFileInvalid] = DataFileInvalid) -> Any:
    """A YAML data file, read safely and checked against the schema: its plain data, or `error` naming the file."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise error(f"Cannot read the file: {exc.strerror or exc}.", source=path) from exc
    return parse_data_text(text, schema, source=path, error=error)


def file_version(path: Path) -> tuple[Path, int, int, int]:
    """What identifies one version of a file, to cache what was read from it: path, inode, size and mtime.

    A file that cannot be read gives a key of zeros, so that reading it raises the usual error.
    """
    try:
        stat = path.stat()
    except OSError:
        return path, 0, 0, 0
    return path, stat.st_ino, stat.st_size, stat.st_mtime_ns


def duplicates(values: Sequence[Any]) -> list[Any]:
    """The values that occur more than once, in the order they first repeat (for "keys must be unique" checks)."""
    seen: set[Any] = set()
    repeated: dict[Any, None] = {}
    for value in values:
        if value in seen:
            repeated[value] = None
        seen.add(value)
    return list(repeated)


# --- messages ----------------------------------------------------------------------------------------------


def _key_problems(data: Any, where: tuple[str | int, ...]) -> list[str]:
    """YAML allows keys that are numbers, dates or null; a schema (and JSON) only knows text keys."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):
                found.append(problem(where, f"the key {_short(key)} is not text; quote it"))
            else:
                found.extend(_key_problems(value, (*where, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_key_problems(value, (*where, index)))
    return found


def _parts(path: Iterable[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in path]


def _error_order(error: ValidationError) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in error.absolute_path)


def _short(value: Any) -> str:
    text = repr(value)
    if len(text) <= _SHORT:
        return text
    if isinstance(value, dict):
        return f"a mapping with {len(value)} keys"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, str):
        return repr(value[:40]) + f"... ({len(value)} characters)"
    return text[:_SHORT] + "..."


def _problem_of(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator in ("oneOf", "anyOf") and error.context and not isinstance(schema.get("errorMessage"), str):
        return _problem_of(best_match(error.context))  # the alternative that came closest, at its own path
    return problem(_parts(error.absolute_path), _describe(error))


def _describe(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("errorMessage")
    if isinstance(custom, str):
        return custom
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties") or {})
        patterns = list(schema.get("patternProperties") or {})
        unknown = [k for k in error.instance if k not in allowed and not any(re.search(p, k) for p in patterns)]
        listed = ", ".join(repr(key) for key in unknown)
        hint = f"; allowed: {', '.join(allowed)}" if allowed else ""
        return f"unknown field{'s' if len(unknown) > 1 else ''} {listed}{hint}"
    if error.validator in ("minItems", "maxItems") and isinstance(error.instance, list):
        count, bound = len(error.instance), error.validator_value
        if error.validator == "minItems" and bound == 1:
            return "must not be empty"
        limit = f"at least {bound} needed" if error.validator == "minItems" else f"at most {bound} allowed"
        return f"has {count} item{'s' if count != 1 else ''}; {limit}"
    if error.validator == "const":
        return f"must be {error.validator_value!r}, not {_short(error.instance)}"
    message = str(error.message)
    text = repr(error.instance)
    if len(text) > _SHORT:
        message = message.replace(text, _short(error.instance), 1)
    return message
