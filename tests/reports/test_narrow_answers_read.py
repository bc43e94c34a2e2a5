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


WIDE_EXPORT = (
    "pk",
    "response_id",
    "response__wave_id",
    "response__team_id",
    "response__team__kind",
    "response__role",
    "response__status",
    "question__key",
    "question__qtype",
    "question__aspect",
    "question__perspective",
    "question__capability",
    "value_json",
    "value_text",
    "level",
    "updated_at",
)


def wide_for(wave_ids=None, team_ids=None, submitted_only=True):
    frame = wide_frame()
    if wave_ids is not None:
        frame = frame[frame["wave_id"].isin(list(wave_ids))]
    if team_ids is not None:
        frame = frame[frame["team_id"].isin(list(team_ids))]
    return frame.reset_index(drop=True)


@pytest.fixture
def synthetic(loaded_model, loaded_instrument):
    return generate_org(teams=12, waves=2, respondents=3, seed=7, now=NOW, progress=lambda message: None)


def test_the_answers_export_reads_narrow_and_writes_the_rows_of_the_wide_join(synthetic, monkeypatch):
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from reports.export import selectors as export_selectors

    monkeypatch.setattr(export_selectors, "DEFAULT_CHUNK", 97)  # chunks that split responses
    narrow = [row for chunk in export_selectors.answer_chunks(organization_ids=[synthetic.organization.pk]) for row in chunk]
    wide = list(
        Answer.objects.filter(response__wave__organization=synthetic.organization)
        .annotate(value_json=Cast("value", output_field=TextField()))
        .order_by("pk")
        .values_list(*WIDE_EXPORT)
    )
    assert len(narrow) == len(wide) > 500
    assert narrow == wide


def test_the_tag_export_document_is_the_same_from_the_narrow_read(synthetic):
    from dataclasses import replace

    from reports.export.selectors import tag_input
    from reports.export.tag import tag_release

    wave = synthetic.organization.survey_waves.order_by("-opens_at").first()
    narrow = tag_input(wave)
    wide = replace(narrow, answers=wide_for(wave_ids=[wave.pk]))
    assert str(narrow.answers["question_key"].dtype) == "category"

    built = [tag_release(source, k=3, now=NOW) for source in (narrow, wide)]
    assert built[0].document == built[1].document
    assert built[0].cells == built[1].cells and len(built[0].cells) > 50


def test_the_result_page_shows_the_same_figures_from_the_narrow_read(synthetic, monkeypatch):
    from surveys import selectors as survey_selectors

    wave = synthetic.organization.survey_waves.order_by("-opens_at").first()
    shown = []
    for read in (answers_frame, wide_for):
        monkeypatch.setattr(survey_selectors, "answers_frame", read)
        for response in Response.objects.filter(wave=wave).select_related("team").order_by("pk")[:9]:
            shown.append(survey_selectors.team_result(wave=wave, team=response.team, response=response))
    narrow, wide = shown[:9], shown[9:]
    assert narrow == wide
    assert any(aspect.own_score is not None for result in narrow for aspect in result.aspects)
    assert any(aspect.team_score is not None for result in narrow for aspect in result.aspects)
