"""The whole loop on loopback: a live server is the community's deployment, the test client and the publishing
service are three organizations' deployment. Releases go over HTTP with contributor tokens; the community's
aggregates, page and benchmark file are read back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import requests
from django.test import Client
from django.utils import timezone

from assessor.models import Membership, Organization
from community.models import Community, CommunityRole, ReceivedRelease
from community.publish import envelope, release_send
from community.services import contributor_issue
from reports.export.releases import release_publish
from reports.models import Release
from surveys.models import Wave
from tests.reports.factories import Answers, build_org, load_instrument, make_wave, member, person, submit

pytestmark = pytest.mark.django_db(transaction=True)

K = 5
NAMES = ("Alpha", "Bravo", "Charlie")


@dataclass
class Loop:
    community: Community
    waves: dict[str, Wave]
    tokens: dict[str, str]
    admins: dict[str, Any]
    reviewer: Any
    base: str  # the community's address on the live server

    def releases_url(self) -> str:
        return f"{self.base}releases/"


def closed_wave(name: str, instrument: Any) -> tuple[Organization, Wave, Any]:
    now = timezone.now()
    organization, teams = build_org(teams=5, slug=name.lower(), name=f"{name} Corp")
    wave = make_wave(
        organization, instrument, name=f"{name} spring", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1),
        teams=teams,
    )  # fmt: skip
    # four application teams, five people each, at levels 1 to 4
    answers = [(team, Answers(level=level, needs=("data",))) for level, team in enumerate(teams[1:], start=1) for _ in range(5)]
    submit(wave, answers, when=now - timedelta(days=10))
    admin = person(f"{name.lower()}-admin")
    member(admin, organization, Membership.Role.ADMIN)
    release_publish(wave=wave, now=now, k=K, release_text=False, user=admin)
    return organization, wave, admin


@pytest.fixture
def loop(live_server: Any, settings: Any, loaded_model: Any) -> Loop:
    settings.TAG_EXPORT_MIN_GROUP = K
    settings.COMMUNITY_MIN_ORGS = 3
    settings.COMMUNITY_HTTP_RETRIES = 0
    settings.ALLOWED_HOSTS = ["*"]
    instrument = load_instrument()
    community = Community.objects.create(name="TAG App Delivery", slug="tag-app-delivery")
    reviewer = person("rita")
    CommunityRole.objects.create(community=community, user=reviewer, role=CommunityRole.Role.REVIEWER)
    waves, tokens, admins = {}, {}, {}
    for index, name in enumerate(NAMES):
        _, waves[name], admins[name] = closed_wave(name, instrument)
        _, tokens[name] = contributor_issue(community=community, pseudonym=f"Organization {chr(65 + index)}")
    return Loop(community, waves, tokens, admins, reviewer, f"{live_server.url}/api/v1/communities/{community.slug}/")


def publish_all(loop: Loop) -> None:
    for name in NAMES:
        sent = release_send(wave=loop.waves[name], url=loop.base, token=loop.tokens[name])
        assert sent.created, sent.message


def test_three_organizations_publish_over_http_and_the_community_reads_them(loop):
    publish_all(loop)
    assert ReceivedRelease.objects.count() == 3
    stored = ReceivedRelease.objects.get(sender="Organization A")
    own = Release.objects.get(wave=loop.waves["Alpha"])
    assert (stored.document, stored.document_sha256, stored.number, stored.format_version) == (
        own.document, own.document_sha256, 1, json.loads(own.document)["format_version"]
    )  # fmt: skip
    assert "Alpha" not in stored.document

    reviewer = requests.Session()
    client = Client()
    client.force_login(loop.reviewer)
    report = client.get(f"/api/v1/communities/{loop.community.slug}/report/").json()
    assert report["organizations"] == 3
    # each organization published 20 respondents: 60 across the three
    assert report["respondents"] == 60
    per_org = [json.loads(Release.objects.get(wave=loop.waves[n]).document) for n in NAMES]
    for cell in report["levels"]:
        published = [
            next(c["count"] for c in t["cells"] if c["category"] == cell["category"])
            for doc in per_org
            for t in doc["level_distribution"]
            if t["aspect"] == cell["aspect"] and t["team_kind"] == "all"
        ]
        if cell["status"] == "published":
            assert cell["respondents"] == sum(v for v in published if v is not None)
            assert cell["organizations"] >= 3
    by_cell = {(c["aspect"], c["category"]): c for c in report["levels"]}
    # each organization published 5 at levels 3 and 4 (and withheld level 1 in its own release): 15 from three
    assert (by_cell[("investment", "level_3")]["respondents"], by_cell[("investment", "level_3")]["organizations"]) == (15, 3)
    assert by_cell[("investment", "level_1")]["status"] == "fewer organizations than the minimum"
    page = client.get(f"/communities/{loop.community.slug}/")
    assert page.status_code == 200
    assert b"3 organizations" in page.content and b"Organization B" in page.content
    assert reviewer.get(loop.base + "report/").status_code == 401  # not signed in, no token


def test_a_release_sent_twice_is_stored_once_with_the_same_answer(loop):
    publish_all(loop)
    again = release_send(wave=loop.waves["Bravo"], url=loop.base, token=loop.tokens["Bravo"])
    assert not again.created and "already held" in again.message
    assert ReceivedRelease.objects.count() == 3


def post(loop: Loop, name: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(loop.releases_url(), json=body, headers={"Authorization": f"Token {loop.tokens[name]}"}, timeout=10)


def test_a_tampered_release_is_refused_and_nothing_is_stored(loop):
    wave = loop.waves["Alpha"]
    body = envelope(wave, Release.objects.get(wave=wave))
    body["document"] = body["document"].replace('"min_group_size": 5', '"min_group_size": 1')
    answer = post(loop, "Alpha", body)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "hash_mismatch"
    assert ReceivedRelease.objects.count() == 0


def test_a_release_that_breaks_the_schema_is_refused_and_nothing_is_stored(loop):
    wave = loop.waves["Alpha"]
    document = json.loads(Release.objects.get(wave=wave).document)
    document["level_distribution"][0]["aspect"] = "charisma"
    text = json.dumps(document)
    answer = post(loop, "Alpha", {**envelope(wave, Release.objects.get(wave=wave)), "document": text,
                                  "sha256": hashlib.sha256(text.encode()).hexdigest()})  # fmt: skip
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "schema_violation" and "level_distribution[0].aspect" in error["message"]
    assert ReceivedRelease.objects.count() == 0


def test_an_unsupported_format_version_gets_a_clear_4xx(loop):
    wave = loop.waves["Alpha"]
    document = {**json.loads(Release.objects.get(wave=wave).document), "format_version": 99}
    text = json.dumps(document)
    answer = post(loop, "Alpha", {**envelope(wave, Release.objects.get(wave=wave)), "document": text,
                                  "sha256": hashlib.sha256(text.encode()).hexdigest()})  # fmt: skip
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "unsupported_version" and "versions 2" in error["message"]
    assert ReceivedRelease.objects.count() == 0


def test_a_token_of_no_contributor_is_refused(loop):
    wave = loop.waves["Alpha"]
    answer = requests.post(
        loop.releases_url(), json=envelope(wave, Release.objects.get(wave=wave)), headers={"Authorization": "Token nope"},
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 401
    assert ReceivedRelease.objects.count() == 0


def test_the_organization_admin_publishes_with_the_button_on_its_release_page(loop):
    wave, admin = loop.waves["Charlie"], loop.admins["Charlie"]
    client = Client()
    client.force_login(admin)
    release_page = client.get(f"/dashboard/waves/{wave.pk}/release/")
    assert f"/dashboard/waves/{wave.pk}/community/".encode() in release_page.content
    sent = client.post(
        f"/dashboard/waves/{wave.pk}/community/", {"action": "remote", "url": loop.base, "token": loop.tokens["Charlie"]},
        follow=True,
    )  # fmt: skip
    assert sent.status_code == 200
    assert b"received by" in sent.content
    assert ReceivedRelease.objects.filter(sender="Organization C").count() == 1
    refused = client.post(f"/dashboard/waves/{wave.pk}/community/", {"action": "remote", "url": loop.base, "token": "wrong"})
    assert refused.status_code == 409 and b"refused" in refused.content


def test_an_unreachable_community_is_reported_not_a_500(loop):
    wave, admin = loop.waves["Alpha"], loop.admins["Alpha"]
    client = Client()
    client.force_login(admin)
    answer = client.post(
        f"/dashboard/waves/{wave.pk}/community/", {"action": "remote", "url": "http://127.0.0.1:9/api/v1/communities/x/",
                                                   "token": "t"},
    )  # fmt: skip
    assert answer.status_code == 502 and b"Could not reach" in answer.content


def test_a_post_to_a_community_address_that_names_none_is_a_json_404(client):
    answer = client.post("/api/v1/communities/%F3%85%A6%A9/releases/", {}, content_type="application/json")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
