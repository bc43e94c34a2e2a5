"""Receiving a release: every refusal is a 4xx that stores nothing, and a later release of a wave replaces the
earlier one in the aggregates."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.test import Client

from community.demo import synthetic_document
from community.frames import Period
from community.models import Community, ReceivedRelease
from community.report import community_page
from community.services import contributor_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys() -> list[str]:
    community = Community.objects.create(name="Peers", slug="peers")
    return [contributor_issue(community=community, pseudonym=f"Peer {index}")[1] for index in range(3)]


def envelope(document: dict[str, Any], wave: str = "wave-number-one") -> dict[str, Any]:
    text = json.dumps(document)
    return {"wave": wave, "document": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}


def send(key: str, body: Any) -> Any:
    return Client().post("/api/v1/communities/peers/releases/", body, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Token {key}")  # fmt: skip


def test_a_later_release_of_the_same_wave_replaces_the_earlier_one_in_the_aggregates(keys):
    for index, key in enumerate(keys):
        assert send(key, envelope(synthetic_document(index=index, year=2026))).status_code == 201
    before = community_page(Community.objects.get(), first="2026", last="2026", default_year=2026).report
    second = synthetic_document(index=0, year=2026, number=2)
    for table in second["level_distribution"]:
        table["cells"][0]["count"] += 50
        table["total"] += 50
    second["respondents"][0]["count"] += 50
    assert send(keys[0], envelope(second)).status_code == 201
    after = community_page(Community.objects.get(), first="2026", last="2026", default_year=2026).report
    assert ReceivedRelease.objects.count() == 4
    assert after.organizations == 3
    assert after.respondents == before.respondents + 50
    level_1 = after.levels[(after.levels["aspect"] == "investment") & (after.levels["category"] == "level_1")]
    first = before.levels[(before.levels["aspect"] == "investment") & (before.levels["category"] == "level_1")]
    assert int(level_1["respondents"].iloc[0]) == int(first["respondents"].iloc[0]) + 50


def test_the_same_number_with_other_content_is_a_409_and_the_stored_one_stays(keys):
    document = synthetic_document(index=0, year=2026)
    assert send(keys[0], envelope(document)).status_code == 201
    document["disclosure_control"]["suppressed_cells"] = 3
    answer = send(keys[0], envelope(document))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "release_differs"
    assert ReceivedRelease.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda d: d.update(release=None), 400, "invalid_release"),
        (lambda d: d["release"].update(superseded=True, superseded_at="2026-05-01T00:00:00+00:00"), 409, "superseded"),
        (lambda d: d.update(format="something-else"), 400, "invalid_release"),
        (lambda d: d.update(format_version="2"), 400, "unsupported_version"),
        (lambda d: d.pop("context"), 400, "schema_violation"),
    ],
    ids=["draft", "superseded", "other format", "version as text", "no context"],
)
def test_a_document_that_cannot_be_a_release_is_refused(keys, change, status, code):
    document = synthetic_document(index=0, year=2026)
    change(document)
    answer = send(keys[0], envelope(document))
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), answer.json()
    assert ReceivedRelease.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [[], {"wave": "short", "document": "{}", "sha256": "0" * 64}, {"wave": "long-enough", "document": "", "sha256": "x"},
     {"wave": "long-enough", "document": "[1]", "sha256": hashlib.sha256(b"[1]").hexdigest()},
     {"wave": "long-enough", "document": "{", "sha256": hashlib.sha256(b"{").hexdigest()}],
    ids=["a list", "short wave", "empty document", "not an object", "not json"],
)  # fmt: skip
def test_junk_envelopes_are_a_400_with_a_message(keys, body):
    answer = send(keys[0], body)
    assert answer.status_code == 400 and answer.json()["error"]["message"]
    assert ReceivedRelease.objects.count() == 0


def test_a_release_over_the_size_limit_is_a_413(keys, settings):
    settings.COMMUNITY_MAX_RELEASE_BYTES = 1000
    answer = send(keys[0], envelope(synthetic_document(index=0, year=2026)))
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "too_large"


def test_the_period_label_covers_a_range():
    assert Period(2025, 2026).label == "2025-2026" and Period(2025, 2026).previous() == Period(2023, 2024)
