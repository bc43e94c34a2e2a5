"""The input hashes, computed per distinct value, are exactly the plain row-by-row hash they replace.

Stored snapshots carry these hashes: if the fast path drifted from the plain formula (or a pandas upgrade
changed the step it borrows), every snapshot would look changed and be written again."""

from datetime import timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.scoring.snapshot import HASHED_ANSWER_COLUMNS, HASHED_EVIDENCE_COLUMNS, inputs_hashes
from tests.assessor.scoring.build import NOW, frame, maturity, target


def plain_hashes(answers: pd.DataFrame, evidence: pd.DataFrame, *, salt: str) -> dict[tuple[int, int], str]:
    """The formula written out row by row: XOR of `hash_pandas_object(astype(str))` per (wave, team)."""

    def xor_per_pair(rows: pd.DataFrame, columns: list[str]) -> dict[tuple[int, int], int]:
        hashes = pd.util.hash_pandas_object(rows[columns].astype(str), index=False).to_numpy(dtype=np.uint64)
        out: dict[tuple[int, int], int] = {}
        for wave, team, value in zip(rows["wave_id"], rows["team_id"], hashes, strict=True):
            out[(int(wave), int(team))] = out.get((int(wave), int(team)), 0) ^ int(value)
        return out

    answer_part = xor_per_pair(answers, HASHED_ANSWER_COLUMNS)
    evidence_part = xor_per_pair(evidence, HASHED_EVIDENCE_COLUMNS) if not evidence.empty else {}
    salt_value = int(pd.util.hash_array(np.array([salt], dtype=object))[0])
    return {pair: f"{value ^ evidence_part.get(pair, 0) ^ salt_value:016x}" for pair, value in answer_part.items()}


def as_dict(result: pd.DataFrame) -> dict[tuple[int, int], str]:
    return {(int(w), int(t)): h for w, t, h in zip(result["wave_id"], result["team_id"], result["inputs_hash"], strict=True)}


def answers_with_odd_values() -> pd.DataFrame:
    answers = frame(
        maturity(1, "interfaces", [3, None, 2]),
        maturity(2, "interfaces", [4, 4, 1], team_id=2),
        maturity(3, "adoption", [1, 2], team_id=2, wave_id=5),
        target(1, "interfaces", 4),
    )
    answers.loc[0, "value"] = None  # no value at all
    answers.loc[1, "value"] = "None"  # the word, not a missing value
    answers.loc[2, "value"] = "1.0"
    answers.loc[3, "level"] = np.nan
    for column in ("question_key", "role", "aspect", "capability"):
        answers[column] = answers[column].astype("category")
    return answers


def evidence_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "wave_id": [1, 1, 5],
            "team_id": [1, 1, 2],
            "aspect": ["interfaces", "adoption", "adoption"],
            "floor": [2.0, np.nan, 3.0],
            "ceiling": [np.nan, 4.0, 3.0],
            "items": [1, 2, 1],
            "newest_observed_at": [NOW, pd.NaT, NOW - timedelta(days=3)],
        }
    )


def test_odd_values_hash_as_the_plain_formula_does():
    answers, evidence = answers_with_odd_values(), evidence_rows()
    assert as_dict(inputs_hashes(answers, evidence, salt="2|")) == plain_hashes(answers, evidence, salt="2|")
    assert as_dict(inputs_hashes(answers, evidence.iloc[0:0], salt="2|")) == plain_hashes(answers, evidence.iloc[0:0], salt="2|")


def test_missing_value_and_the_word_none_hash_apart():
    answers = answers_with_odd_values()
    other = answers.copy()
    other.loc[1, "value"] = None
    assert as_dict(inputs_hashes(answers, evidence_rows(), salt="")) != as_dict(inputs_hashes(other, evidence_rows(), salt=""))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),  # wave
            st.integers(1, 4),  # team
            st.integers(1, 9),  # response
            st.sampled_from(["a.q1", "a.q2", "b.q1"]),
            st.one_of(st.none(), st.sampled_from(["x", "y", "None", "nan", "", "1"])),
            st.one_of(st.none(), st.sampled_from([1.0, 2.0, 2.5, 4.0])),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_rows_hash_as_the_plain_formula_does_in_any_order(rows):
    answers = pd.DataFrame(rows, columns=["wave_id", "team_id", "response_id", "question_key", "value", "level"])
    answers["level"] = answers["level"].astype("float64")
    answers["value"] = answers["value"].astype(object)
    answers["question_key"] = answers["question_key"].astype("category")
    expected = plain_hashes(answers, evidence_rows().iloc[0:0], salt="1|")
    assert as_dict(inputs_hashes(answers, evidence_rows().iloc[0:0], salt="1|")) == expected
    shuffled = answers.sample(frac=1, random_state=3).reset_index(drop=True)
    assert as_dict(inputs_hashes(shuffled, evidence_rows().iloc[0:0], salt="1|")) == expected


def test_a_pairs_hash_does_not_depend_on_the_other_pairs_scored_with_it():
    """Scored alone (one submission) or in a full rescore beside teams without evidence, a team's inputs hash
    is the same, so an unchanged team is not written again. (The evidence part once went through a float
    column when some pair had none, and lost its low bits.)"""
    answers, evidence = answers_with_odd_values(), evidence_rows()
    together = as_dict(inputs_hashes(answers, evidence, salt="2|"))
    alone_rows = answers[(answers["wave_id"] == 1) & (answers["team_id"] == 1)]
    alone = as_dict(inputs_hashes(alone_rows, evidence[(evidence["wave_id"] == 1) & (evidence["team_id"] == 1)], salt="2|"))
    assert alone[(1, 1)] == together[(1, 1)]
