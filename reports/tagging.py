"""Free text as data: tag pains, suggestions and service descriptions with capability domains, delivery
mechanisms and waits, using the versioned vocabulary in `data/tagging/`. Pure: no ORM, no settings.

Each tag keeps the phrase it matched and where, so a reader (and the admin reviewing tags) can see why it
is there. Fenced code blocks are skipped; list markers and quote markers are not part of any phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assessor.capabilities import read_capabilities
from assessor.datafiles import DataFileInvalid, file_version, problem, read_data_file

DATA_DIR = Path(__file__).resolve().parent / "data" / "tagging"
SCHEMA_FILE = DATA_DIR / "vocabulary.schema.json"
BUNDLED_FILE = DATA_DIR / "vocabulary-1.yaml"

CAPABILITY, MECHANISM, WAIT = "capability", "mechanism", "wait"
KINDS = (CAPABILITY, MECHANISM, WAIT)
MECHANISM_NAMES = {
    "ticket": "Ticket or request",
    "by_hand": "By hand",
    "self_service": "Self-service",
    "managed_provider": "Managed provider",
    "standard_tooling": "Shared tooling",
}
TYPO_MIN_LENGTH = 7  # single words this long also match with one letter wrong, missing, extra or swapped

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)", re.MULTILINE | re.DOTALL)
_MARKER = re.compile(r"^[ \t]*(?:(?:>[ \t]?)+|[-*+][ \t]+(?:\[[ xX]\][ \t]+)?|\d{1,3}[.)][ \t]+)", re.MULTILINE)
_WORD = re.compile(r"[a-z0-9]+")
_QUALIFIER = r"(?:(?:about|around|roughly|approximately|approx\.?|usually|typically|up\s+to|~)\s*)?"


class VocabularyFileError(DataFileInvalid):
    """The tagging vocabulary is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class Tag:
    kind: str  # capability, mechanism or wait
    value: str  # a capability key, a mechanism key, or a wait range such as "5-7 days"
    phrase: str  # the words of the text that matched, as written
    start: int
    end: int
    low_days: float | None = None
    high_days: float | None = None


@dataclass(frozen=True)
class _Term:
    pattern: re.Pattern[str]
    kind: str
    value: str
    word: str | None  # a single plain word, for typo matching
    low_days: float | None = None
    high_days: float | None = None


@dataclass(frozen=True)
class Vocabulary:
    version: str
    terms: tuple[_Term, ...]
    wait_pattern: re.Pattern[str]
    units: dict[str, tuple[float, float]]
    numbers: dict[str, tuple[float, float]]


def _term_regex(term: str) -> str:
    stem = term.endswith("*")
    words = [word for word in re.split(r"[\s-]+", term.rstrip("*")) if word]
    parts = [re.escape(word) for word in words]
    parts[-1] += r"\w*" if stem else r"(?:s|es)?"
    return r"(?<![\w])" + r"[\s_-]*".join(parts) + r"(?![\w])"


def _compile(term: str, kind: str, value: str, days: tuple[float, float] | None = None) -> _Term:
    plain = re.fullmatch(r"[a-z]+", term) is not None and len(term) >= TYPO_MIN_LENGTH
    low, high = days if days is not None else (None, None)
    return _Term(re.compile(_term_regex(term), re.IGNORECASE), kind, value, term if plain else None, low, high)


def days_label(low: float, high: float) -> str:
    def number(value: float) -> str:
        return f"{value:.2f}".rstrip("0").rstrip(".")

    return f"{number(low)} days" if low == high else f"{number(low)}-{number(high)} days"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in sorted(words, key=len, reverse=True))


def build_vocabulary(data: dict[str, Any], *, source: str | Path = "vocabulary") -> Vocabulary:
    """A vocabulary from plain data that passed the schema; unknown capability domains are refused."""
    known = {domain.key for domain in read_capabilities()}
    unknown = sorted(set(data["capabilities"]) - known)
    unknown += sorted({tool["capability"] for tool in data["tools"] if "capability" in tool} - known)
    if unknown:
        raise VocabularyFileError(problem(("capabilities",), f"unknown capability domains: {', '.join(unknown)}"), source=source)
    terms: list[_Term] = []
    for domain, words in data["capabilities"].items():
        terms += [_compile(word, CAPABILITY, domain) for word in words]
    for mechanism, words in data["mechanisms"].items():
        terms += [_compile(word, MECHANISM, mechanism) for word in words]
    for tool in data["tools"]:
        terms += [_compile(name, MECHANISM, tool["mechanism"]) for name in tool["names"]]
        if "capability" in tool:
            terms += [_compile(name, CAPABILITY, tool["capability"]) for name in tool["names"]]
    waits = data["waits"]
    for entry in waits["phrases"]:
        low, high = float(entry["days"][0]), float(entry["days"][1])
        terms.append(_compile(entry["phrase"], WAIT, days_label(low, high), (low, high)))
    units = {unit: (float(low), float(high)) for unit, (low, high) in waits["units"].items()}
    numbers = {word: (float(low), float(high)) for word, (low, high) in waits["numbers"].items()}
    digits, spoken = r"\d+(?:[.,]\d+)?", _alternation(numbers)
    count = rf"(?:{digits}|{spoken})"
    worded_units = _alternation(unit for unit in units if len(unit) > 2)
    kind_of_day = r"(?:(?:business|working|calendar|work)\s+)?"
    wait_pattern = re.compile(
        rf"(?<![\w]){_QUALIFIER}(?:"
        rf"(?P<low>{digits})(?:\s*(?:-|\u2013|to|or)\s*(?P<high>{count}))?\s*{kind_of_day}(?P<unit>{_alternation(units)})"
        rf"|(?P<spoken_low>{spoken})(?:\s*(?:-|\u2013|to|or)\s*(?P<spoken_high>{count}))?(?:\s+of)?\s+{kind_of_day}"
        rf"(?P<spoken_unit>{worded_units}))s?(?![\w])",
        re.IGNORECASE,
    )
    return Vocabulary(str(data["version"]), tuple(terms), wait_pattern, units, numbers)


@cache
def _read(version_key: tuple[Path, int, int, int]) -> Vocabulary:
    path = version_key[0]
    return build_vocabulary(read_data_file(path, SCHEMA_FILE, error=VocabularyFileError), source=path)


def read_vocabulary(path: Path | None = None) -> Vocabulary:
    """The vocabulary file (the bundled one by default), checked against its schema; re-read when it changes."""
    return _read(file_version(path or BUNDLED_FILE))


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """The text with every match of `pattern` replaced by spaces (line breaks kept), so offsets stay true."""
    return pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)


def readable_part(text: str) -> str:
    """The text as the tagger reads it: code blocks, list markers and quote markers blanked out."""
    return _blank(_blank(text, _FENCE), _MARKER)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when b is a with one letter changed, added, dropped, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [index for index, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    index = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[index:] == long[index + 1 :]


def _count(word: str, numbers: dict[str, tuple[float, float]]) -> tuple[float, float]:
    spoken = " ".join(word.lower().split())
    if spoken in numbers:
        return numbers[spoken]
    value = float(spoken.replace(",", "."))
    return value, value


def _waits(text: str, vocabulary: Vocabulary) -> list[Tag]:
    found = []
    for match in vocabulary.wait_pattern.finditer(text):
        first, last = match.group("low") or match.group("spoken_low"), match.group("high") or match.group("spoken_high")
        unit_low, unit_high = vocabulary.units[(match.group("unit") or match.group("spoken_unit")).lower()]
        low = _count(first, vocabulary.numbers)[0]
        high = _count(last or first, vocabulary.numbers)[1]
        low_days, high_days = round(low * unit_low, 2), round(high * unit_high, 2)
        found.append(Tag(WAIT, days_label(low_days, high_days), match.group(0), match.start(), match.end(), low_days, high_days))
    return found


def _without_overlaps(tags: list[Tag]) -> list[Tag]:
    """Of tags of the same kind that overlap, the longest (then the first) is kept: "2 weeks" over "weeks"."""
    kept: list[Tag] = []
    for tag in sorted(tags, key=lambda t: (-(t.end - t.start), t.start)):
        if not any(other.kind == tag.kind and other.start < tag.end and tag.start < other.end for other in kept):
            kept.append(tag)
    return kept


def tag_text(text: str, vocabulary: Vocabulary) -> list[Tag]:
    """The tags of one text: each capability, mechanism and wait once (its first mention), in text order."""
    readable = readable_part(text)
    found = _waits(readable, vocabulary)
    for term in vocabulary.terms:
        found += [
            Tag(term.kind, term.value, text[m.start() : m.end()], m.start(), m.end(), term.low_days, term.high_days)
            for m in term.pattern.finditer(readable)
        ]
    covered = [(tag.start, tag.end) for tag in found]
    for word in _WORD.finditer(readable.lower()):
        if len(word.group(0)) < TYPO_MIN_LENGTH - 1 or any(s < word.end() and word.start() < e for s, e in covered):
            continue
        token = word.group(0)
        for term in vocabulary.terms:
            if term.word is not None and (_one_edit_apart(term.word, token) or _one_edit_apart(term.word + "s", token)):
                found.append(Tag(term.kind, term.value, text[word.start() : word.end()], word.start(), word.end()))
    first: dict[tuple[str, str], Tag] = {}
    for tag in sorted(_without_overlaps(found), key=lambda t: (t.start, t.end)):
        first.setdefault((tag.kind, tag.value), tag)
    return list(first.values())


@dataclass(frozen=True)
class Quality:
    bodies: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def tagging_quality(labelled: Iterable[tuple[str, Iterable[str]]], vocabulary: Vocabulary) -> Quality:
    """Precision and recall of the tagger on (text, expected "kind:value" tags) pairs, counted per body."""
    bodies = true_positives = false_positives = false_negatives = 0
    for text, expected in labelled:
        got = {f"{tag.kind}:{tag.value}" for tag in tag_text(text, vocabulary)}
        wanted = set(expected)
        bodies += 1
        true_positives += len(got & wanted)
        false_positives += len(got - wanted)
        false_negatives += len(wanted - got)
    return Quality(bodies, true_positives, false_positives, false_negatives)
