"""The assembled score rows: statuses, confidence, targets, gaps, unverified flags, hashes, and order independence."""

from datetime import timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.scoring.evidence import evidence_levels
from assessor.scoring.rubric import load_rubric
from assessor.scoring.snapshot import assemble_scores
from assessor.scoring.targets import next_steps
from tests.assessor.scoring.build import NOW, evidence, evidence_frame, frame, maturity, target

RUBRIC = load_rubric("1")


def with_wave(levels: pd.DataFrame, wave_id: int = 1) -> pd.DataFrame:
    return levels.assign(wave_id=wave_id)


def scores(answers, ev=None):
    levels = with_wave(evidence_levels(ev)) if ev is not None else pd.DataFrame()
    return assemble_scores(answers, levels, rubric=RUBRIC, now=NOW).set_index("aspect")


def test_a_full_row_by_hand():
    answers = frame(
        maturity(1, "interfaces", [3, 3, 2, 3]),  # 2.75
        maturity(2, "interfaces", [3, 3, 3, 3]),  # 3.00
        target(1, "interfaces", 4),
        target(2, "interfaces", 3),
        maturity(1, "measurement", [1, 1]),
        maturity(2, "measurement", [1, 2]),
    )
    ev = evidence_frame(evidence(1, "interfaces", 4, "contradicts", observed_at=NOW - timedelta(days=10)))
    row = scores(answers, ev).loc["interfaces"]
    assert row["score"] == 2.88  # (2.75 + 3.00) / 2 = 2.875, half up
    assert row["level"] == 3
    assert row["respondents"] == 2
    assert row["spread"] == 0.25
    assert row["status"] == "agree"  # ceiling 3, no floor
    assert row["target_level"] == 4  # median 3.5 bands up
    assert row["gap"] == 1
    assert bool(row["unverified"]) is True  # interfaces 3 vs measurement 1
    # confidence = .45 * 2/5 + .25 * (1 - .25/2) + .2 * 1 + .1 * 1 = 0.18 + 0.21875 + 0.2 + 0.1
    assert row["confidence"] == 0.7
    assert row["confidence_label"] == "high"


def test_no_evidence_lowers_confidence_but_not_the_level():
    answers = frame(maturity(1, "adoption", [2, 2]))
    row = scores(answers).loc["adoption"]
    assert row["status"] == "no_evidence"
    assert row["level"] == 2
    assert row["confidence"] == 0.34  # .45 * 1/5 + .25 * 1
    assert row["confidence_label"] == "low"


def test_stale_evidence_counts_less():
    answers = frame(maturity(1, "operations", [2]))
    fresh = scores(answers, evidence_frame(evidence(1, "operations", 2, observed_at=NOW - timedelta(days=5)))).loc["operations"]
    stale = scores(answers, evidence_frame(evidence(1, "operations", 2, observed_at=NOW - timedelta(days=400)))).loc["operations"]
    assert round(fresh["confidence"] - stale["confidence"], 2) == 0.1


def test_over_and_under_claims():
    answers = frame(maturity(1, "operations", [4, 4]), maturity(1, "investment", [1, 1]))
    ev = evidence_frame(evidence(1, "operations", 3, "contradicts"), evidence(1, "investment", 3))
    result = scores(answers, ev)
    assert result.loc["operations", "status"] == "over_claim"
    assert result.loc["investment", "status"] == "under_claim"


def test_measurement_itself_is_never_unverified():
    answers = frame(maturity(1, "measurement", [4]), maturity(1, "investment", [1]))
    result = scores(answers)
    assert not result["unverified"].any()


def test_the_hash_follows_the_inputs():
    base = frame(maturity(1, "adoption", [2, 3]))
    changed = frame(maturity(1, "adoption", [2, 4]))
    assert scores(base).loc["adoption", "inputs_hash"] == scores(base).loc["adoption", "inputs_hash"]
    assert scores(base).loc["adoption", "inputs_hash"] != scores(changed).loc["adoption", "inputs_hash"]
    other_rubric = assemble_scores(base, pd.DataFrame(), rubric=RUBRIC, now=NOW, salt="model-2")
    assert other_rubric.loc[0, "inputs_hash"] != scores(base).loc["adoption", "inputs_hash"]


def test_next_steps_come_from_the_level_above():
    cells = {
        ("adoption", 2): ("Extrinsic push", ("mandates",), ("make it pleasant",), ("policy docs",)),
        ("adoption", 3): ("Intrinsic pull", ("chosen freely",), ("invite contributions",), ("growth without mandates",)),
    }
    step = next_steps("adoption", 2, cells)
    assert step.level == 3
    assert step.label == "Intrinsic pull"
    assert step.characteristics == ("chosen freely",)
    assert step.evidence == ("growth without mandates",)
    assert step.actions == ("make it pleasant",)
    assert next_steps("adoption", 4, cells) is None


answer_sets = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.integers(1, 3),
        st.sampled_from(["investment", "adoption", "measurement"]),
        st.lists(st.sampled_from([1, 2, 3, 4, None]), min_size=1, max_size=4),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=80, deadline=None)
@given(answer_sets, st.randoms(use_true_random=False))
def test_scores_stay_in_range_and_ignore_row_order(sets, rnd):
    groups = [maturity(100 * team + response, aspect, levels, team_id=team) for response, team, aspect, levels in sets]
    answers = frame(*groups)
    result = assemble_scores(answers, pd.DataFrame(), rubric=RUBRIC, now=NOW)
    shuffled_rows = answers.sample(frac=1, random_state=rnd.randint(0, 10_000)).reset_index(drop=True)
    again = assemble_scores(shuffled_rows, pd.DataFrame(), rubric=RUBRIC, now=NOW)
    pd.testing.assert_frame_equal(result, again)
    assert result["score"].between(1, 4).all()
    assert result["level"].between(1, 4).all()
    assert result["confidence"].between(0, 1).all()
