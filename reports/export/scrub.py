"""Scrubbing free text before it leaves the service: addresses, links, handles and known names become placeholders.

Pure. One pass over each text with one pattern, so what has been replaced is never looked at again: an
e-mail address that contains a team's name is one [email], not an [email] and a [team]. Names match
case-insensitively as whole words (not inside other words), the longest first, so "Ada Lovelace" is
one [person] rather than "Ada" and a leftover "Lovelace".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("email", "url", "handle", "person", "team", "organization")
PLACEHOLDERS = {kind: f"[{kind}]" for kind in KINDS}
MIN_NAME_LENGTH = 2  # a one-letter "name" would eat every "a" and "I"

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"']+"
_HANDLE = r"(?<![\w@.])@\w[\w-]*"
_TRAILING = ".,;:!?)]}"


@dataclass(frozen=True)
class KnownNames:
    """Names the service knows, by kind; any of them found in free text is replaced."""

    people: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScrubCounts:
    """How many texts changed, and how many replacements of each kind were made."""

    texts: int = 0
    replacements: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"texts": self.texts, "replacements": {kind: self.replacements.get(kind, 0) for kind in KINDS}}


def _normal(name: str) -> str:
    return " ".join(name.split()).lower()


def _trie_pattern(names: Iterable[str]) -> str:
    """One pattern for many names, as a trie: each position tries a few first letters, not every name.

    Alternatives are greedy, so the longest name that ends on a word boundary wins; a space in a name
    matches any run of white space.
    """
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return r"(?<!\w)" + render(trie) + r"(?!\w)"


class Scrubber:
    """Compiled once for a set of names, then applied to any number of texts."""

    def __init__(self, names: KnownNames) -> None:
        self.kind_of: dict[str, str] = {}
        # People first: where a string is both a person's and a team's name, the stricter reading wins.
        for kind, values in (("organization", names.organizations), ("team", names.teams), ("person", names.people)):
            for value in values:
                normal = _normal(value)
                if len(normal) >= MIN_NAME_LENGTH:
                    self.kind_of[normal] = kind
        parts = [f"(?P<email>{_EMAIL})", f"(?P<url>{_URL})", f"(?P<handle>{_HANDLE})"]
        if self.kind_of:
            parts.append(f"(?P<name>{_trie_pattern(self.kind_of)})")
        self.pattern = re.compile("|".join(parts), re.IGNORECASE)

    def scrub(self, text: str) -> tuple[str, Counter[str]]:
        """The text with every match replaced, and the replacements made by kind."""
        counts: Counter[str] = Counter()

        def replace(match: re.Match[str]) -> str:
            kind = match.lastgroup or "person"
            matched = match.group(0)
            tail = ""
            if kind == "url":
                stripped = matched.rstrip(_TRAILING)
                tail = matched[len(stripped) :]
            elif kind == "name":
                kind = self.kind_of.get(_normal(matched), "person")
            counts[kind] += 1
            return PLACEHOLDERS[kind] + tail

        return self.pattern.sub(replace, text), counts


def scrub_texts(texts: Sequence[str], names: KnownNames) -> tuple[list[str], ScrubCounts]:
    """Each text scrubbed, in order, and the counts over all of them."""
    scrubber = Scrubber(names)
    total: Counter[str] = Counter()
    changed = 0
    out = []
    for text in texts:
        scrubbed, counts = scrubber.scrub(text)
        if counts:
            changed += 1
            total.update(counts)
        out.append(scrubbed)
    return out, ScrubCounts(texts=changed, replacements=dict(total))


def known_names(*, people: Iterable[str] = (), teams: Iterable[str] = (), organizations: Iterable[str] = ()) -> KnownNames:
    """KnownNames from any iterables, blanks and duplicates dropped."""

    def clean(values: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({value.strip() for value in values if isinstance(value, str) and value.strip()}))

    return KnownNames(people=clean(people), teams=clean(teams), organizations=clean(organizations))
