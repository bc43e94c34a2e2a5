"""Small-cell suppression, checked against an independent brute-force search of every table consistent
with what was published: no count below k may be pinned down, and no total minus its parts may reveal
a group smaller than k."""

from __future__ import annotations

import random
from itertools import product

import pytest

from reports.export.suppression import Relation, round_to, suppress

K = 5


def another_value_fits(counts, relations, published, key, *, at_least=None, limit=100_000):
    """Whether some non-negative integer table matching the published cells and every relation gives
    `key` a value other than its true one (of `at_least` or more, when given).

    A small constraint solver, independent of the export's own linear programme: bounds are propagated
    through every relation, then cells are fixed one at a time, nearest the true value first."""
    ceiling = sum(counts.values()) + 2 * K
    steps = 0

    def propagate(low, high):
        changed = True
        while changed:
            changed = False
            for relation in relations:
                total, parts = relation.total, relation.parts
                new = (max(low[total], sum(low[p] for p in parts)), min(high[total], sum(high[p] for p in parts)))
                if new != (low[total], high[total]):
                    low[total], high[total], changed = new[0], new[1], True
                for part in parts:
                    others_low = sum(low[q] for q in parts if q != part)
                    others_high = sum(high[q] for q in parts if q != part)
                    new = (max(low[part], low[total] - others_high), min(high[part], high[total] - others_low))
                    if new != (low[part], high[part]):
                        low[part], high[part], changed = new[0], new[1], True
                if low[total] > high[total]:
                    return False
        return all(low[c] <= high[c] for c in low)

    def feasible(low, high):
        nonlocal steps
        steps += 1
        assert steps < limit, "search too large for a unit test"
        if not propagate(low, high):
            return False
        open_cells = [c for c in low if low[c] < high[c]]
        if not open_cells:
            return True
        cell = min(open_cells, key=lambda c: (high[c] - low[c], repr(c)))
        values = sorted(range(low[cell], high[cell] + 1), key=lambda v: (abs(v - counts[cell]), v))
        return any(feasible({**low, cell: v}, {**high, cell: v}) for v in values)

    low = {c: published.get(c, 0) for c in counts}
    high = {c: published.get(c, ceiling) for c in counts}
    wanted = [v for v in range(0, ceiling + 1) if v != counts[key] and (at_least is None or v >= at_least)]
    wanted.sort(key=lambda v: (abs(v - counts[key]), v))
    return any(feasible({**low, key: v}, {**high, key: v}) for v in wanted if low[key] <= v <= high[key])


def assert_protected(counts, relations, *, k=K, hidden=()):
    result = suppress(counts, relations, k=k, hidden=hidden, rounding=1)
    published = result.published
    assert all(value >= k for value in published.values()), "a count below k was published"
    assert not set(hidden) & set(published)
    for relation in relations:
        if relation.total in published:
            held_back = [p for p in relation.parts if p not in published]
            assert not held_back or sum(counts[p] for p in held_back) >= k, f"{relation} reveals a group below k"
    for key, value in counts.items():
        if key not in published and value < k:
            assert another_value_fits(counts, relations, published, key, at_least=k), f"{key} = {value} may be below k"
    return result


def test_a_lone_small_cell_takes_a_neighbour_with_it():
    counts = {"total": 20, "a": 12, "b": 3, "c": 5, "d": 0}
    result = assert_protected(counts, [Relation("total", ("a", "b", "c", "d"))])
    assert set(result.published) == {"total", "a"}
    assert result.primary == {"b", "d"} and result.complementary == {"c"}


def test_zero_cells_are_small_cells_too():
    counts = {"total": 20, "a": 20, "b": 0}
    result = assert_protected(counts, [Relation("total", ("a", "b"))])
    assert "b" not in result.published and "a" not in result.published


def test_a_total_below_k_hides_everything():
    counts = {"total": 4, "a": 2, "b": 2}
    assert assert_protected(counts, [Relation("total", ("a", "b"))]).published == {}


def table_with_margins(rows):
    """A kinds x levels table with row totals and an "all" row, as the level distribution is built."""
    counts, relations = {}, []
    width = len(rows[0])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            counts[(r, c)] = value
        counts[(r, "total")] = sum(row)
        relations.append(Relation((r, "total"), tuple((r, c) for c in range(width))))
    for c in range(width):
        counts[("all", c)] = sum(row[c] for row in rows)
        relations.append(Relation(("all", c), tuple((r, c) for r in range(len(rows)))))
    counts[("all", "total")] = sum(map(sum, rows))
    relations.append(Relation(("all", "total"), tuple(("all", c) for c in range(width))))
    relations.append(Relation(("all", "total"), tuple((r, "total") for r in range(len(rows)))))
    return counts, relations


def test_a_small_cell_cannot_be_derived_through_row_and_column_totals():
    counts, relations = table_with_margins([[3, 10, 8, 2], [1, 6, 2, 0], [0, 2, 5, 1]])
    assert_protected(counts, relations)


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_are_protected(seed):
    rng = random.Random(seed)
    rows = [[rng.choice([0, 1, 2, 3, 4, 6, 9, 14]) for _ in range(3)] for _ in range(3)]
    counts, relations = table_with_margins(rows)
    assert_protected(counts, relations)


def test_a_total_shared_by_two_tables_cannot_pin_a_cell_in_either():
    counts = {"people": 12, "x1": 9, "x2": 3, "y1": 6, "y2": 6}
    relations = [Relation("people", ("x1", "x2")), Relation("people", ("y1", "y2"))]
    result = assert_protected(counts, relations)
    assert "x1" not in result.published or "people" not in result.published


def test_a_hidden_complement_is_never_published_and_protects_its_total():
    counts = {"need": 12, "unmet": 9, "met": 3}
    result = assert_protected(counts, [Relation("need", ("unmet", "met"))], hidden={"met"})
    assert "unmet" not in result.published


def test_a_hidden_complement_of_k_or_more_lets_the_part_be_published():
    counts = {"need": 20, "unmet": 9, "met": 11}
    result = assert_protected(counts, [Relation("need", ("unmet", "met"))], hidden={"met"})
    assert result.published == {"need": 20, "unmet": 9}


def test_published_counts_are_rounded_to_the_base():
    counts = {"total": 23, "a": 12, "b": 11}
    result = suppress(counts, [Relation("total", ("a", "b"))], k=K)
    assert result.published == {"total": 25, "a": 10, "b": 10}
    assert [round_to(n, 5) for n in (5, 7, 8, 12, 13)] == [5, 5, 10, 10, 15]


@pytest.mark.parametrize("before,added", list(product([5, 9, 12, 14, 23], [1, 2, 3, 4])))
def test_one_more_small_group_never_shows_as_a_difference_below_k(before, added):
    counts_before = {"total": before + 20, "a": before, "b": 20}
    counts_after = {"total": before + added + 20, "a": before + added, "b": 20}
    relation = [Relation("total", ("a", "b"))]
    first = suppress(counts_before, relation, k=K).published
    second = suppress(counts_after, relation, k=K).published
    for key in set(first) & set(second):
        assert (second[key] - first[key]) % K == 0


def test_relations_must_name_counted_cells():
    with pytest.raises(ValueError, match="without a count"):
        suppress({"total": 5}, [Relation("total", ("missing",))], k=K)


def test_the_checker_itself_catches_a_cell_left_derivable():
    counts = {"total": 20, "a": 12, "b": 3, "c": 5}
    relations = [Relation("total", ("a", "b", "c"))]
    assert not another_value_fits(counts, relations, {"total": 20, "a": 12, "c": 5}, "b")
    assert another_value_fits(counts, relations, {"total": 20, "a": 12}, "b")
