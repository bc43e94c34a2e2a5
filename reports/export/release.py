"""What makes a release of a wave safe to publish beside the earlier ones: pure, no database.

Every figure a TAG export publishes rests on a number of respondents (its cell). Two releases of the
same wave can be subtracted, so a new release is refused when any published figure would differ from
an earlier release by fewer than k respondents:

- a cell published in both: its respondents must be the same, or differ by k or more;
- a cell published in only one of them (newly published, or withdrawn): they must differ by k or more.

Cells compare by their exact respondent counts, which the service keeps beside each release and never
publishes; rounding and suppression do not enter into it. A cell one release does not consider at all
(free text, when only one of them released it) is not compared.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assessor.scoring.claims import respondent_scores
from assessor.scoring.frames import ANSWER_COLUMNS

# cell name -> (exact respondents, published)
Cells = Mapping[str, tuple[int, bool]]


@dataclass(frozen=True)
class CellConflict:
    """A published figure of the new release that differs from earlier release `release` by 1 to k-1 respondents."""

    cell: str
    release: int
    change: str  # "changed", "newly published" or "withdrawn"


SLICE_ROWS = 2000  # rows turned into text at a time while hashing, whole teams each time


def _hash_rows(hashers: dict[int, Any], frame: pd.DataFrame, order: Sequence[str], part: bytes) -> None:
    """Feed each team's rows of `frame`, sorted by `order` (team first), to its hasher as JSON lines."""
    rows = frame.sort_values(
        list(order), kind="mergesort", key=lambda column: column.astype(str) if column.dtype == "category" else column
    )
    teams = rows["team_id"].to_numpy()
    if not len(teams):
        return
    starts = [0, *(np.flatnonzero(teams[1:] != teams[:-1]) + 1).tolist(), len(teams)]
    first = 0
    while first < len(starts) - 1:
        last = first + 1
        while last < len(starts) - 1 and starts[last + 1] - starts[first] <= SLICE_ROWS:
            last += 1
        offset = starts[first]
        text = str(rows.iloc[offset : starts[last]].to_json(orient="records", lines=True, double_precision=10))
        lines = text.rstrip("\n").split("\n")
        for at in range(first, last):
            hasher = hashers.setdefault(int(teams[starts[at]]), hashlib.sha256())
            hasher.update(part + "\n".join(lines[starts[at] - offset : starts[at + 1] - offset]).encode() + b"\n")
        first = last


def team_digests(answers: pd.DataFrame, scores: pd.DataFrame | None = None) -> dict[int, str]:
    """Per team, a SHA-256 of its answers and respondent scores, rows in a fixed order (`scores`: its
    `respondent_scores`, when already at hand). Every answer of a team must be in `answers`."""
    scores = respondent_scores(answers) if scores is None else scores
    hashers: dict[int, Any] = {}
    _hash_rows(hashers, answers.loc[:, list(ANSWER_COLUMNS)], ["team_id", "response_id", "question_key"], b"answers\n")
    _hash_rows(hashers, scores, ["team_id", "response_id", "aspect"], b"scores\n")
    return {team: hasher.hexdigest() for team, hasher in hashers.items()}


def digests_hash(digests: Mapping[int, str], *, team_kinds: Mapping[int, str], links: pd.DataFrame, key: bytes) -> str:
    """The keyed hash of a release's inputs from its teams' digests (`team_digests`), team kinds and links."""
    payload = {
        "teams": sorted((int(team), str(digest)) for team, digest in digests.items()),
        "team_kinds": sorted((int(team), str(kind)) for team, kind in team_kinds.items()),
        "links": sorted((int(c), int(p)) for c, p in zip(links["consumer_id"], links["provider_id"], strict=True)),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def inputs_hash(*, answers: pd.DataFrame, team_kinds: Mapping[int, str], links: pd.DataFrame, key: bytes) -> str:
    """A keyed SHA-256 (HMAC) of the answers and respondent scores a release is built from, its team kinds
    and links. Keyed, so a reader of the export cannot test a guess of someone's answers against it. Built
    from one digest per team, so the wave can be hashed while it is read in team-aligned chunks
    (`reports.export.tag.tally_inputs_hash`) and gives the same hash as from the whole frame."""
    return digests_hash(team_digests(answers), team_kinds=team_kinds, links=links, key=key)


def document_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cell_conflicts(*, new: Cells, earlier: Sequence[tuple[int, Cells]], k: int) -> list[CellConflict]:
    """Every cell of `new` that breaks the rule against any earlier release (number, cells), in a stable order."""
    conflicts = []
    for number, old in earlier:
        for name in sorted(set(new) & set(old)):
            (n_new, shown_new), (n_old, shown_old) = new[name], old[name]
            if not (shown_new or shown_old):
                continue
            difference = abs(int(n_new) - int(n_old))
            if shown_new and shown_old:
                if 0 < difference < k:
                    conflicts.append(CellConflict(name, number, "changed"))
            elif difference < k:
                conflicts.append(CellConflict(name, number, "newly published" if shown_new else "withdrawn"))
    return conflicts


def conflicts_message(conflicts: Sequence[CellConflict], *, k: int, limit: int = 8) -> str:
    named = ", ".join(f"{c.cell} ({c.change} since release {c.release})" for c in conflicts[:limit])
    more = f" and {len(conflicts) - limit} more" if len(conflicts) > limit else ""
    return (
        f"This release is refused: subtracted from an earlier release of the same wave, {len(conflicts)} published "
        f"figure(s) would show a group of fewer than {k} respondents: {named}{more}. Wait until more people have "
        f"answered since the last release (each changed figure needs {k} or more), or keep the earlier release."
    )
