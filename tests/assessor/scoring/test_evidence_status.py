from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.scoring.evidence import AGREE, CONFLICT, NO_EVIDENCE, OVER_CLAIM, UNDER_CLAIM, claim_status, evidence_levels
from tests.assessor.scoring.build import NOW, evidence, evidence_frame


def levels_of(*groups):
    return evidence_levels(evidence_frame(*groups)).set_index(["team_id", "aspect"])


def test_the_floor_is_the_highest_supported_level():
    result = levels_of(evidence(1, "interfaces", 2), evidence(1, "interfaces", 3))
    assert result.loc[(1, "interfaces"), "floor"] == 3
    assert result.loc[(1, "interfaces"), "ceiling"] == 4


def test_a_contradiction_sets_the_ceiling_below_it():
    result = levels_of(evidence(1, "operations", 2), evidence(1, "operations", 4, "contradicts"))
    assert result.loc[(1, "operations"), "floor"] == 2
    assert result.loc[(1, "operations"), "ceiling"] == 3


def test_conflicting_evidence_keeps_both_sides_a_floor_above_the_ceiling():
    result = levels_of(evidence(1, "adoption", 4), evidence(1, "adoption", 3, "contradicts", weight=2))
    assert result.loc[(1, "adoption"), "floor"] == 4
    assert result.loc[(1, "adoption"), "ceiling"] == 2


@pytest.mark.parametrize("claimed", [1, 2, 3, 4])
def test_conflicting_evidence_is_a_conflict_whatever_the_claim(claimed):
    # The demo's case: support at 3, contradiction at 2. Never "agrees", never an over- or under-claim.
    result = levels_of(evidence(1, "adoption", 3), evidence(1, "adoption", 2, "contradicts"))
    row = result.loc[(1, "adoption")]
    assert (row["floor"], row["ceiling"]) == (3, 1)
    assert claim_status(claimed, row["floor"], row["ceiling"], row["items"]) == CONFLICT


def test_waived_rows_count_for_nothing():
    rows = evidence_frame(evidence(1, "adoption", 3), evidence(1, "adoption", 2, "contradicts"))
    rows["waived"] = [False, True]
    result = evidence_levels(rows).set_index(["team_id", "aspect"])
    assert (result.loc[(1, "adoption"), "floor"], result.loc[(1, "adoption"), "ceiling"]) == (3, 4)
    assert result.loc[(1, "adoption"), "items"] == 1
    rows["waived"] = [True, True]
    assert evidence_levels(rows).empty


def test_support_and_contradiction_at_one_level_net_out_by_weight():
    result = levels_of(evidence(1, "adoption", 3, weight=2), evidence(1, "adoption", 3, "contradicts", weight=1))
    assert result.loc[(1, "adoption"), "floor"] == 3


def test_only_contradictions_give_a_ceiling_and_no_floor():
    result = levels_of(evidence(1, "measurement", 3, "contradicts"))
    assert pd.isna(result.loc[(1, "measurement"), "floor"])
    assert result.loc[(1, "measurement"), "ceiling"] == 2


@pytest.mark.parametrize(
    ("claimed", "floor", "ceiling", "items", "status"),
    [
        (3, 2, 4, 1, AGREE),
        (2, 2, 4, 1, AGREE),
        (4, 2, 3, 2, OVER_CLAIM),
        (1, 3, 4, 1, UNDER_CLAIM),
        (3, float("nan"), 2, 1, OVER_CLAIM),
        (2, float("nan"), 2, 1, AGREE),
        (3, float("nan"), float("nan"), 0, NO_EVIDENCE),
        (2, 3, 1, 2, CONFLICT),
    ],
)
def test_every_status(claimed, floor, ceiling, items, status):
    assert claim_status(claimed, floor, ceiling, items) == status


def test_an_absent_signal_is_unknown_not_a_failure():
    # A claim of 4 with support only at 2 and nothing contradicting it still agrees: missing evidence is not a failure.
    assert claim_status(4, 2, 4, 1) == AGREE


def test_the_newest_observation_is_kept():
    older = NOW - timedelta(days=40)
    result = levels_of(evidence(1, "investment", 2, observed_at=older), evidence(1, "investment", 1, observed_at=NOW))
    assert result.loc[(1, "investment"), "newest_observed_at"] == NOW


evidence_rows = st.lists(
    st.tuples(
        st.sampled_from(["investment", "interfaces"]),
        st.integers(1, 4),
        st.sampled_from(["supports", "contradicts"]),
        st.floats(0.1, 3),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(evidence_rows, st.sampled_from(["investment", "interfaces"]), st.integers(1, 4), st.floats(0.1, 3))
def test_adding_support_never_lowers_the_floor(rows, aspect, level, weight):
    base = evidence_frame(*[evidence(1, a, lv, d, w) for a, lv, d, w in rows])
    more = pd.concat([base, evidence_frame(evidence(1, aspect, level, "supports", weight))], ignore_index=True)
    before = evidence_levels(base).set_index(["team_id", "aspect"]) if not base.empty else None
    after = evidence_levels(more).set_index(["team_id", "aspect"])
    if before is not None and (1, aspect) in before.index and pd.notna(before.loc[(1, aspect), "floor"]):
        assert (
            after.loc[(1, aspect), "floor"] >= before.loc[(1, aspect), "floor"]
            or after.loc[(1, aspect), "ceiling"] < before.loc[(1, aspect), "floor"]
        )


@settings(max_examples=100, deadline=None)
@given(evidence_rows)
def test_unknown_evidence_rows_change_nothing(rows):
    base = evidence_frame(*[evidence(1, a, lv, d, w) for a, lv, d, w in rows])
    unknown = evidence_frame(evidence(1, "investment", 4, "unknown"), evidence(1, "interfaces", 1, "unknown"))
    with_unknown = pd.concat([base, unknown], ignore_index=True)
    pd.testing.assert_frame_equal(
        evidence_levels(base).reset_index(drop=True), evidence_levels(with_unknown).reset_index(drop=True), check_dtype=False
    )
