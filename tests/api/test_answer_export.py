"""GET /api/v1/export/answers/: every answer of the organizations you administer, streamed in chunks."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from django.http import StreamingHttpResponse

from reports.export import selectors
from reports.export.selectors import ANSWER_EXPORT_COLUMNS
from surveys.models import Answer

pytestmark = pytest.mark.django_db


def body(response):
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    pieces = list(response.streaming_content)
    return pieces, b"".join(pieces).decode()


def acme_answers():
    return Answer.objects.filter(response__wave__organization__slug="acme")


def test_it_streams_every_answer_of_the_organization_as_csv(world):
    _, text = body(world.client("admin").get("/api/v1/export/answers/"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == ANSWER_EXPORT_COLUMNS
    assert sorted(int(row["answer_id"]) for row in rows) == sorted(acme_answers().values_list("pk", flat=True))
    funding = next(row for row in rows if row["question_key"] == "investment.funding" and row["team_id"] == str(world.team_b.pk))
    assert (funding["team_kind"], funding["response_status"], funding["level"]) == ("application", "submitted", "3.0")
    assert json.loads(funding["value"]) == funding["value_text"]


def test_it_streams_a_json_array_with_the_same_rows(world):
    _, text = body(world.client("admin").get("/api/v1/export/answers/?format=json"))
    rows = json.loads(text)
    assert len(rows) == acme_answers().count()
    assert set(rows[0]) == set(ANSWER_EXPORT_COLUMNS)
    assert {row["team_id"] for row in rows} == {world.team_a.pk, world.team_b.pk, world.team_p.pk}


def test_it_reads_in_keyset_chunks_and_writes_as_it_reads(world, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(selectors, "DEFAULT_CHUNK", 25)
    chunks = math.ceil(acme_answers().count() / 25)
    assert chunks > 3
    response = world.client("admin").get("/api/v1/export/answers/?format=json")
    # per chunk its answers and their responses; the questions once, the empty last read, and the anonymity rule
    with django_assert_num_queries(2 * chunks + 3):
        pieces, text = body(response)
    assert len(pieces) == chunks + 2, "an opening bracket, one piece per chunk, a closing bracket"
    assert [row["answer_id"] for row in json.loads(text)] == sorted(acme_answers().values_list("pk", flat=True))


def test_it_filters_by_wave(world):
    _, text = body(world.client("admin").get(f"/api/v1/export/answers/?wave={world.closed_wave.pk}"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {row["wave_id"] for row in rows} == {str(world.closed_wave.pk)}


def test_a_superuser_gets_every_organization_and_can_pick_one(world):
    _, everything = body(world.client("superuser").get("/api/v1/export/answers/?format=json"))
    assert len(json.loads(everything)) == Answer.objects.count()
    _, other = body(world.client("superuser").get("/api/v1/export/answers/?format=json&organization=other"))
    assert {row["team_id"] for row in json.loads(other)} == {world.team_x.pk}


def test_an_admin_of_another_organization_gets_only_theirs(world):
    _, text = body(world.client("outsider").get("/api/v1/export/answers/?format=json"))
    assert {row["team_id"] for row in json.loads(text)} == {world.team_x.pk}
    assert world.client("outsider").get("/api/v1/export/answers/?organization=acme").status_code == 404


def test_an_empty_export_is_still_valid(world):
    Answer.objects.all().delete()
    _, text = body(world.client("admin").get("/api/v1/export/answers/?format=json"))
    assert json.loads(text) == []
    _, text = body(world.client("admin").get("/api/v1/export/answers/"))
    assert text.strip() == ",".join(ANSWER_EXPORT_COLUMNS)
