"""Loading YAML from untrusted or user-supplied text: no custom tags, no aliases, bounded size and depth."""

from __future__ import annotations

from typing import Any

import yaml

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64


class YAMLInputError(ValueError):
    """The text is not YAML this service accepts; the message says why, for the person who sent it."""


class _StrictLoader(yaml.SafeLoader):
    max_depth = DEFAULT_MAX_DEPTH

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YAMLInputError(f"YAML aliases are not accepted (line {event.start_mark.line + 1}).")
        self._depth += 1
        if self._depth > self.max_depth:
            raise YAMLInputError(f"YAML is nested more than {self.max_depth} levels deep.")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_size(text: str | bytes, max_bytes: int) -> str:
    size = len(text.encode() if isinstance(text, str) else text)
    if size > max_bytes:
        raise YAMLInputError(f"The YAML is {size} bytes; the limit is {max_bytes}.")
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YAMLInputError("The YAML is not valid UTF-8 text.") from exc
    return text


def _wrap(exc: yaml.YAMLError) -> YAMLInputError:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return YAMLInputError(f"Not valid YAML{where}: {problem}.")


def _translate(exc: BaseException) -> YAMLInputError:
    """Every way reading can fail, as this module's one error type. A value the YAML grammar allows but Python
    cannot build (`built: 2001-13-45`, `!!float abc`) fails in the constructor with a plain ValueError."""
    if isinstance(exc, yaml.YAMLError):
        return _wrap(exc)
    if isinstance(exc, RecursionError):
        return YAMLInputError("YAML is nested too deeply.")
    return YAMLInputError(f"Not valid YAML: a value cannot be read ({exc}).")


def load_yaml(text: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse one YAML document safely."""
    source = _check_size(text, max_bytes)
    try:
        return yaml.load(source, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except YAMLInputError:
        raise
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise _translate(exc) from exc


def load_yaml_all(text: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Any]:
    """Parse every document of a multi-document YAML stream safely."""
    source = _check_size(text, max_bytes)
    try:
        return list(yaml.load_all(source, Loader=_StrictLoader))
    except YAMLInputError:
        raise
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise _translate(exc) from exc
