"""Who reads what: reviewers read their community's releases and aggregates and nothing of any organization;
COMMUNITY_PUBLIC opens the report (never the releases); the community admin issues and revokes tokens."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from assessor.models import Membership
from community.demo import synthetic_document
from community.models import Community, CommunityRole, Contributor, ReceivedRelease
from community.services import contributor_for_key, contributor_issue, release_receive
from tests.reports.factories import build_org, member, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers() -> Community:
    community = Community.objects.create(name="Peers", slug="peers")
    for index in range(3):
        contributor, _ = contributor_issue(community=community, pseudonym=f"Peer {index}")
        text = json.dumps(synthetic_document(index=index, year=2026))
        body = {"wave": f"wave-of-peer-{index}", "document": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}
        release_receive(contributor=contributor, envelope=body, now=timezone.now())
    return community


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reviewer_reads_the_community_and_nothing_of_any_organization(peers):
    organization, teams = build_org(teams=3)
    reviewer = person("rita")
    CommunityRole.objects.create(community=peers, user=reviewer, role=CommunityRole.Role.REVIEWER)
    client = signed_in(reviewer)
    page = client.get("/communities/peers/")
    assert page.status_code == 200 and b"Peer 1" in page.content and b"Respondents at each level" in page.content
    assert client.get("/communities/peers/?download=levels")["Content-Type"].startswith("text/csv")
    release = ReceivedRelease.objects.first()
    assert client.get(f"/api/v1/communities/peers/releases/{release.pk}/").content == release.document.encode()
    assert client.get("/dashboard/").status_code == 403
    assert client.get(f"/dashboard/teams/{teams[1].pk}/").status_code in (403, 404)
    assert client.get(f"/api/v1/orgs/{organization.slug}/scores/").status_code == 404
    assert client.get("/communities/peers/contributors/").status_code == 404  # admins only


def test_someone_without_a_role_reads_nothing_unless_the_report_is_public(peers, settings):
    outsider = signed_in(person("otto"))
    assert outsider.get("/communities/peers/").status_code == 404
    assert outsider.get("/api/v1/communities/peers/report/").status_code == 404
    assert Client().get("/communities/peers/").status_code == 302  # to sign in
    settings.COMMUNITY_PUBLIC = True
    anonymous = Client()
    assert anonymous.get("/communities/peers/").status_code == 200
    assert anonymous.get("/api/v1/communities/peers/report/").json()["organizations"] == 3
    assert anonymous.get("/api/v1/communities/peers/benchmark/").status_code == 200
    assert anonymous.get("/api/v1/communities/peers/releases/").status_code == 401
    assert b"Received releases" not in anonymous.get("/communities/peers/").content


def test_a_contributor_token_reads_its_communitys_benchmark(peers):
    _, key = contributor_issue(community=peers, pseudonym="Reader")
    answer = Client().get("/api/v1/communities/peers/benchmark/", HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 200 and b"Community report" not in answer.content
    assert b"organizations: 3" in answer.content


def test_a_bad_period_is_a_clear_400(peers):
    client = signed_in(person("root", is_superuser=True))
    answer = client.get("/api/v1/communities/peers/report/?from=twenty")
    assert answer.status_code == 400 and "must be a year" in answer.json()["error"]["message"]
    assert client.get("/communities/peers/?from=2026&to=2010").status_code == 400


def test_the_community_admin_issues_a_token_shown_once_and_revokes_it(peers):
    carla = person("carla")
    CommunityRole.objects.create(community=peers, user=carla, role=CommunityRole.Role.ADMIN)
    client = signed_in(carla)
    issued = client.post("/communities/peers/contributors/", {"action": "issue", "pseudonym": "Organization Z"})
    assert issued.status_code == 201
    key = issued.context["issued"]["key"]
    contributor = Contributor.objects.get(pseudonym="Organization Z")
    assert key not in contributor.key_hash and contributor_for_key(key, now=timezone.now()) == contributor
    assert client.post("/communities/peers/contributors/", {"action": "issue", "pseudonym": "Organization Z"}).status_code == 409
    assert client.post("/communities/peers/contributors/", {"action": "revoke", "contributor": "x1"}).status_code == 400
    client.post("/communities/peers/contributors/", {"action": "revoke", "contributor": contributor.pk})
    assert contributor_for_key(key, now=timezone.now()) is None


def test_publish_release_reports_an_unreachable_community_clearly(settings, loaded_model):
    from datetime import timedelta

    from reports.export.releases import release_publish
    from tests.reports.factories import Answers, load_instrument, make_wave, submit

    settings.COMMUNITY_HTTP_RETRIES = 0
    settings.TAG_EXPORT_MIN_GROUP = 5
    now = timezone.now()
    organization, teams = build_org(teams=3)
    wave = make_wave(
        organization, load_instrument(), name="W", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1)
    )
    wave.teams.set(teams)
    submit(wave, [(teams[1], Answers())] * 5, when=now - timedelta(days=5))
    with pytest.raises(CommandError, match="has no release yet"):
        call_command("publish_release", "--wave", str(wave.pk), "--to", "http://127.0.0.1:9/", "--token", "t")
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    release_publish(wave=wave, now=now, k=5, release_text=False, user=admin)
    with pytest.raises(CommandError, match=r"Could not reach http://127.0.0.1:9/releases/ after 1 attempt"):
        call_command(
            "publish_release", "--wave", str(wave.pk), "--to", "http://127.0.0.1:9/", "--token", "t", stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="No contributor token"):
        call_command("publish_release", "--wave", str(wave.pk), "--to", "http://127.0.0.1:9/", stdout=io.StringIO())
