"""Small-cell suppression for tables of counts linked by additive relations (total = sum of parts).

The rule, applied to every count an export publishes:

1. Primary suppression: a count below k (zero included) is never published.
2. Complementary suppression, repeated until nothing changes: every withheld count below k must be
   able to be k or more in some table of non-negative counts that matches everything published and
   every relation, taken all at once (a linear programme per connected system of withheld cells; a
   total shared by several tables counts in each). So a reader can neither compute a small count nor
   tell that it is small: "a total minus its published parts" always leaves k or more, zeros included.
   When a withheld count fails, the nearest relation that still has a published member gives up its
   smallest published part (its total when no part is left).
3. Published counts are then rounded to a multiple of the rounding base (k by default): rounding only
   removes information, so 1 and 2 still hold, and any difference between two exports is a multiple of
   the base, never a count between 1 and k-1.

Cells marked hidden (complements nobody asked for, such as "needs met" beside "needs unmet") are never
published but take part in the relations like any other cell.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from reports.export.lp import Polytope

Key = Hashable


@dataclass(frozen=True)
class Relation:
    total: Key
    parts: tuple[Key, ...]


@dataclass(frozen=True)
class Suppressed:
    """Which cells may be published, and their published (rounded) values."""

    published: dict[Key, int]
    primary: frozenset[Key]
    complementary: frozenset[Key]

    def value(self, key: Key) -> int | None:
        return self.published.get(key)


def round_to(value: int, base: int) -> int:
    """Nearest multiple of `base`, halves rounding up (7 -> 5, 8 -> 10 for base 5)."""
    if base <= 1:
        return value
    return ((value + base // 2) // base) * base


def upper_bounds(relations: Sequence[Relation], known: Mapping[Key, int]) -> dict[Key, float]:
    """The largest value each unknown cell can take given the known ones, by propagating bounds (all cells >= 0)."""
    cells = {key for r in relations for key in (r.total, *r.parts)}
    low = {key: float(known.get(key, 0)) for key in cells}
    high = {key: float(known[key]) if key in known else math.inf for key in cells}
    for _ in range(4 * len(relations) + 4):
        changed = False
        for relation in relations:
            total, parts = relation.total, relation.parts
            bounds = (max(low[total], sum(low[p] for p in parts)), min(high[total], sum(high[p] for p in parts)))
            if bounds != (low[total], high[total]):
                low[total], high[total] = bounds
                changed = True
            for part in parts:
                others_low = sum(low[q] for q in parts if q != part)
                others_high = sum(high[q] for q in parts if q != part)
                bounds = (max(low[part], low[total] - others_high), min(high[part], high[total] - others_low))
                if bounds != (low[part], high[part]):
                    low[part], high[part] = bounds
                    changed = True
        if not changed:
            break
    return {key: value for key, value in high.items() if key not in known}


def _components(relations: Sequence[Relation], unpublished: set[Key]) -> list[list[Relation]]:
    """Relations grouped by the unpublished cells they share (independent systems are solved apart)."""
    parent: dict[Key, Key] = {}

    def find(key: Key) -> Key:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    active = []
    for relation in relations:
        members = [key for key in (relation.total, *relation.parts) if key in unpublished]
        if not members:
            continue
        active.append((relation, members))
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[Key, list[Relation]] = {}
    for relation, members in active:
        groups.setdefault(find(members[0]), []).append(relation)
    return list(groups.values())


def small_beyond_doubt(
    relations: Sequence[Relation], counts: Mapping[Key, int], unpublished: set[Key], cells: Iterable[Key], k: int
) -> set[Key]:
    """Those of `cells` (unpublished) that cannot reach k in any non-negative table matching every published
    count and every relation: a linear programme per connected system of unpublished cells. Each solution
    found also clears every other cell it shows at k or more, so few programmes are solved."""
    wanted = set(cells)
    exposed: set[Key] = set()
    for component in _components(relations, unpublished):
        variables = sorted({key for r in component for key in (r.total, *r.parts) if key in unpublished}, key=repr)
        unproven = [key for key in variables if key in wanted]
        if not unproven:
            continue
        index = {key: position for position, key in enumerate(variables)}
        matrix = np.zeros((len(component), len(variables)))
        rhs = np.zeros(len(component))
        for row, relation in enumerate(component):
            for key, sign in ((relation.total, 1.0), *((part, -1.0) for part in relation.parts)):
                if key in unpublished:
                    matrix[row, index[key]] += sign
                else:
                    rhs[row] -= sign * counts[key]
        polytope = Polytope(matrix, rhs)
        while unproven:
            key = unproven.pop(0)
            largest, point = polytope.maximise(index[key])
            if largest < k - 1e-6:
                exposed.add(key)
            elif point is not None:
                unproven = [other for other in unproven if point[index[other]] < k - 1e-6]
    return exposed


def _exposed(relations: Sequence[Relation], counts: Mapping[Key, int], unpublished: set[Key], k: int) -> list[Key]:
    """Withheld counts below k that a reader could pin down or tell are below k."""
    sensitive = {key for key in unpublished if counts[key] < k}
    if not sensitive:
        return []
    known = {key: value for key, value in counts.items() if key not in unpublished}
    bounds = upper_bounds(relations, known)
    exposed = {key for key in sensitive if bounds.get(key, math.inf) < k}
    remaining = [key for key in sensitive - exposed if key in bounds]
    exposed |= small_beyond_doubt(relations, counts, unpublished, remaining, k)
    return sorted(exposed, key=repr)


def _fix(relation: Relation, counts: Mapping[Key, int], unpublished: set[Key]) -> Key | None:
    """The smallest published part of a relation, else its total if published, else None."""
    published = sorted((p for p in relation.parts if p not in unpublished), key=lambda key: (counts[key], repr(key)))
    if published:
        return published[0]
    return relation.total if relation.total not in unpublished else None


def _fixes(relations: Sequence[Relation], counts: Mapping[Key, int], unpublished: set[Key], exposed: list[Key]) -> set[Key]:
    """For each exposed cell, the nearest relation (through unpublished cells) with a published member gives one up."""
    by_cell: dict[Key, list[Relation]] = {}
    for relation in relations:
        for key in (relation.total, *relation.parts):
            by_cell.setdefault(key, []).append(relation)
    chosen: set[Key] = set()
    for start in exposed:
        queue, seen, found = [start], {start}, None
        while queue and found is None:
            key = queue.pop(0)
            for relation in by_cell.get(key, []):
                found = _fix(relation, counts, unpublished)
                if found is not None:
                    break
                for member in (relation.total, *relation.parts):
                    if member not in seen:
                        seen.add(member)
                        queue.append(member)
        if found is not None:
            chosen.add(found)
    return chosen


def suppress(
    counts: Mapping[Key, int],
    relations: Sequence[Relation],
    *,
    k: int,
    hidden: Iterable[Key] = (),
    rounding: int | None = None,
) -> Suppressed:
    """Decide which counts may be published under the module's rule, and round those that are."""
    unknown = {key for r in relations for key in (r.total, *r.parts)} - set(counts)
    if unknown:
        raise ValueError(f"Relations name cells without a count: {sorted(map(repr, unknown))[:5]}")
    never = set(hidden)
    primary = {key for key, value in counts.items() if value < k}
    unpublished = primary | never
    while True:
        exposed = _exposed(relations, counts, unpublished, k)
        fixes = _fixes(relations, counts, unpublished, exposed) if exposed else set()
        if not fixes:
            break
        unpublished |= fixes
    base = k if rounding is None else rounding
    published = {key: round_to(value, base) for key, value in counts.items() if key not in unpublished}
    return Suppressed(
        published=published,
        primary=frozenset(primary - never),
        complementary=frozenset(unpublished - primary - never),
    )
