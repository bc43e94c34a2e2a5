"""Whether JSON from outside (a CI push, a cluster dump) can be stored and read back, and making stored values
readable again.

JSON itself has no NaN or Infinity, but Python's parser reads those literals, and a number such as 1e400 becomes
an infinite float; neither can be stored as JSON. A `\\ud800` escape is valid JSON but gives a lone surrogate, a
string that cannot be encoded as UTF-8, and PostgreSQL refuses NUL characters in text and JSON. `unstorable`
finds the first such value anywhere in a parsed document, object keys included, and says where it is.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class NonFinite:
    """Stands for a NaN or Infinity literal in the JSON text, so that `unstorable` can say where it was."""

    literal: str

    def __repr__(self) -> str:
        return self.literal


def non_finite_constant(literal: str) -> NonFinite:
    """For `json.loads(..., parse_constant=non_finite_constant)`: NaN, Infinity and -Infinity are not numbers."""
    return NonFinite(literal)


def printable(text: str) -> str:
    """The text with lone surrogates written as escapes (`\\ud800`), so it can be shown and stored."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Unstorable:
    """Where a value that cannot be stored is (keys and list indexes from the document's root) and why."""

    path: Path
    problem: str

    @property
    def dotted(self) -> str:
        """The path as `signals[2].detail.latency`; a key that is not a plain name is quoted: `labels["a.b/c"]`."""
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            elif _NAME.fullmatch(part):
                out += f".{part}" if out else part
            else:
                out += f"[{printable(json.dumps(part, ensure_ascii=False))}]"
        return out or "(the document)"

    @property
    def pointer(self) -> str:
        """The path as a JSON pointer (`/signals/2/detail/latency`), as schema errors give it."""
        return "".join("/" + printable(str(part)).replace("~", "~0").replace("/", "~1") for part in self.path)

    def __str__(self) -> str:
        return f"{self.dotted}: {self.problem}"


def text_problem(text: str) -> str | None:
    """Why a string cannot be stored as text, or None when it can."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"contains a lone surrogate ({printable(text[exc.start])} at position {exc.start}), which is not Unicode text"
    position = text.find("\x00")
    if position >= 0:
        return f"contains a NUL character (\\u0000 at position {position}), which cannot be stored"
    return None


def unstorable(document: Any, root: Path = ()) -> Unstorable | None:
    """The first value in a parsed JSON document that cannot be stored and read back: a NaN or Infinity literal
    (read with `non_finite_constant`), a float that overflowed to infinity, or a string or key that is not
    storable text. Walks the document without recursion, so any nesting the parser accepted is fine."""
    stack: list[tuple[Path, Any]] = [(root, document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, NonFinite):
            return Unstorable(path, f"not a finite number ({value.literal} is not a JSON number)")
        if isinstance(value, float) and not math.isfinite(value):
            return Unstorable(path, "not a finite number (too large to represent)")
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                return Unstorable(path, problem)
        elif isinstance(value, dict):
            children: list[tuple[Path, Any]] = []
            for key, child in value.items():
                problem = text_problem(str(key))
                if problem:
                    return Unstorable((*path, key), f"the key {problem}")
                children.append(((*path, key), child))
            stack.extend(reversed(children))
        elif isinstance(value, list | tuple):
            stack.extend(reversed([((*path, index), child) for index, child in enumerate(value)]))
    return None


def readable(value: Any) -> Any:
    """A stored JSON value made safe to render: lone surrogates in strings and keys become U+FFFD and numbers that
    are not finite become None. Values that need nothing are returned as they are."""
    if isinstance(value, str):
        return readable_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {readable_text(str(k)): readable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [readable(v) for v in value]
    return value


def readable_text(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD, so it can be rendered and encoded."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(REPLACEMENT if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text
