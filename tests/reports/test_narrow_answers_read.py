"""The narrow answers read gives the same scores and input hashes as the wide join it replaced."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from assessor.scoring.frames import ANSWER_COLUMNS
from assessor.scoring.rubric import load_rubric
from assessor.scoring.snapshot import assemble_scores
from collectors.selectors import evidence_frame
from reports.rescore import evidence_for_waves
from reports.synthetic import generate_org
from surveys.conf import BUNDLED_INSTRUMENT
from surveys.instruments import read_instrument_file
from surveys.models import Answer, Response
from surveys.selectors import answers_frame
from surveys.services.instruments import instrument_load

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 1, tzinfo=UTC)
WIDE = (
    "response__wave_id",
    "response__team_id",
    "response_id",
    "response__role",
    "question__key",
    "question__qtype",
    "question__aspect",
    "question__perspective",
    "question__capability",
    "value_text",
    "level",
)


@pytest.fixture
def loaded_instrument(db):
    return instrument_load(spec=read_instrument_file(BUNDLED_INSTRUMENT)).instrument


def wide_frame() -> pd.DataFrame:
    """The earlier read: one joined row per answer with every string repeated."""
    rows = Answer.objects.filter(response__status=Response.Status.SUBMITTED).values_list(*WIDE)
    frame = pd.DataFrame.from_records(list(rows), columns=list(ANSWER_COLUMNS))
    for column in ("wave_id", "team_id", "response_id"):
        frame[column] = frame[column].astype("int64")
    frame["level"] = frame["level"].astype("float64")
    return frame


def scores(answers: pd.DataFrame) -> pd.DataFrame:
    evidence = evidence_frame(team_ids=None)
    frame = assemble_scores(answers, evidence_for_waves(answers, evidence), rubric=load_rubric(None), now=NOW)
    return frame.sort_values(["wave_id", "team_id", "aspect"]).reset_index(drop=True)


def test_scores_and_hashes_match_the_wide_read_on_the_synthetic_organization(loaded_model, loaded_instrument):
    generate_org(teams=12, waves=2, respondents=3, seed=7, now=NOW, progress=lambda message: None)
    narrow, wide = answers_frame(), wide_frame()

    assert len(narrow) == len(wide) > 500
    assert {str(narrow[column].dtype) for column in ("role", "question_key", "aspect", "capability")} == {"category"}
    by_answer = ["response_id", "question_key"]
    pd.testing.assert_frame_equal(
        narrow.astype({column: object for column in narrow.columns if str(narrow[column].dtype) == "category"})
        .sort_values(by_answer)
        .reset_index(drop=True),
        wide.sort_values(by_answer).reset_index(drop=True),
        check_dtype=False,
    )
    new, old = scores(narrow), scores(wide)
    assert list(new["inputs_hash"]) == list(old["inputs_hash"])
    pd.testing.assert_frame_equal(new, old, check_dtype=False, check_categorical=False)


def test_an_empty_read_has_the_columns_and_types_scoring_expects(loaded_model, loaded_instrument):
    frame = answers_frame(wave_ids=[999])
    assert list(frame.columns) == list(ANSWER_COLUMNS) and frame.empty
    assert str(frame["team_id"].dtype) == "int64" and str(frame["level"].dtype) == "float64"
