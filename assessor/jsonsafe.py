"""Reading JSON that comes from outside (request bodies, uploaded dumps): nesting is bounded before parsing.

Python's parser recurses once per level, so a few kilobytes of brackets would end in a RecursionError.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64
# a string (skipped whole, escapes included) or a bracket
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonTooDeep(ValueError):
    """The document nests arrays and objects deeper than allowed."""


def nesting_depth(text: str, *, stop_after: int = MAX_DEPTH) -> int:
    """How deeply arrays and objects nest in `text` (stops counting past `stop_after`)."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        piece = match.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    return deepest
        elif piece in ("]", "}"):
            depth -= 1
    return deepest


def check_depth(text: str, *, max_depth: int = MAX_DEPTH) -> None:
    if nesting_depth(text, stop_after=max_depth) > max_depth:
        raise JsonTooDeep(f"The JSON nests more than {max_depth} levels deep.")


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """`json.loads` for untrusted input: JsonTooDeep beyond `max_depth`, ValueError for anything else malformed."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    check_depth(text, max_depth=max_depth)
    return json.loads(text, **kwargs)
