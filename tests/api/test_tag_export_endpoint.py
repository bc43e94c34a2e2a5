"""GET /api/v1/export/tag/: closed waves only, anonymized, valid against the published JSON Schema."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest

from tests.api.conftest import bulk_respondents, invite
from tests.api.test_tag_export import SCHEMA

pytestmark = pytest.mark.django_db

NEEDS = {"cap.data.need": "need_yes", "cap.data.delivery": "ticket", "coop.pains": '=HYPERLINK("x") slow tickets'}


@pytest.fixture
def answered(world):
    bulk_respondents(world.closed_wave, world.team_a, count=6, level=2, role="app_developer", keys=NEEDS)
    bulk_respondents(world.closed_wave, world.team_b, count=6, level=3, role="app_developer", keys={"cap.data.need": "need_no"})
    bulk_respondents(world.closed_wave, world.team_p, count=2, level=4, role="platform_engineer")
    return world


def export(world, query="", role="admin"):
    response = world.client(role).get(f"/api/v1/export/tag/?wave={world.closed_wave.pk}{query}")
    assert response.status_code == 200, response.content
    return response


def test_the_export_validates_against_the_published_schema(answered):
    document = export(answered).json()
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(document))
    assert document["format"] == "tag-export" and document["format_version"] == 3
    assert document["context"]["organization_size"] == "101-500"


def test_the_published_schema_is_served_as_is(world):
    response = world.client("anonymous").get("/api/v1/export/tag/schema/")
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(b"".join(response.streaming_content)) == SCHEMA


def test_it_holds_no_names_ids_or_free_text_by_default(answered):
    body = export(answered).content.decode()
    for secret in ("Team A", "team-a", "Platform", "Acme", "acme", "Spring", "slow tickets", "admin"):
        assert secret not in body
    assert json.loads(body)["free_text"] is None


def test_the_platform_kind_below_k_is_suppressed(answered):
    document = export(answered).json()
    platform = [t for t in document["level_distribution"] if t["team_kind"] == "platform"]
    assert platform and all(t["total"] is None for t in platform)
    overall = next(t for t in document["level_distribution"] if t["team_kind"] == "all" and t["aspect"] == "investment")
    assert overall["total"] == 15 and {c["category"]: c["count"] for c in overall["cells"]}["level_3"] == 5
    application = next(
        t for t in document["level_distribution"] if t["team_kind"] == "application" and t["aspect"] == "investment"
    )
    assert application["total"] is None, "13 beside the 15 of all kinds would show the 2 platform respondents"


def test_an_admin_may_release_free_text_in_groups_of_k(answered):
    document = export(answered, "&release_text=true").json()
    assert document["free_text"] == [
        {"question": "coop.pains", "team_kind": "application", "texts": ['=HYPERLINK("x") slow tickets'] * 6}
    ]


def test_the_csv_form_is_a_download_and_defuses_formulas(answered):
    response = export(answered, "&format=csv&release_text=true")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tag-export-3-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    texts = [row["value"] for row in rows if row["section"] == "free_text"]
    assert texts and all(text.startswith("'=") for text in texts)
    assert {row["status"] for row in rows} == {"published", "suppressed"}


def test_an_open_wave_is_not_exported(answered):
    response = answered.client("admin").get(f"/api/v1/export/tag/?wave={answered.wave.pk}")
    assert response.status_code == 409 and response.json()["error"]["code"] == "wave_not_closed"


def test_a_closed_waves_export_cannot_change_through_a_late_answer(answered):
    first = export(answered).json()
    late = invite(answered.closed_wave, answered.team_p, "platform_engineer")
    refused = answered.client("anonymous").put(
        f"/api/v1/responses/{late.token()}/", {"version": 0, "answers": {"coop.pains": "late"}}, format="json"
    )
    assert refused.status_code == 409
    second = export(answered).json()
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second


def test_the_minimum_group_comes_from_settings(answered, settings):
    settings.TAG_EXPORT_MIN_GROUP = 2
    document = export(answered).json()
    assert document["disclosure_control"] == {**document["disclosure_control"], "min_group_size": 2, "rounding_base": 2}
    totals = {row["team_kind"]: row["count"] for row in document["respondents"]}
    assert totals == {"application": 14, "platform": None, "infrastructure": None, "all": 16}


def test_the_export_reads_a_constant_number_of_queries(answered, django_assert_max_num_queries):
    # A token's first request in a minute also records its last use (one UPDATE); the budget is for the rest.
    answered.client("admin").get("/api/v1/export/tag/schema/")
    # The answers are read narrowly: answers, their responses and their questions, one query each.
    with django_assert_max_num_queries(19):
        export(answered)  # publishes the wave's first release
    with django_assert_max_num_queries(6):
        export(answered)  # serves it as stored
