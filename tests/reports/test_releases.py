"""Releases of a closed wave: stored on first export and served as published, late imports refused until the
wave is reopened, and a new release refused while any figure differs from an earlier one by fewer than k."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from assessor.models import Membership, Organization, Team
from reports.models import Release
from surveys.issueforms import IssueForm
from surveys.models import Wave
from surveys.services import ImportRefused, issue_responses_import
from surveys.services.waves import wave_close, wave_reopen
from tests.reports.factories import Answers, _raw_values, build_org, load_instrument, make_wave, member, person, submit

pytestmark = pytest.mark.django_db

K = 5
PAIN = "Ask ada@example.com or App 0001 about Acme, tickets take weeks"
ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}  # required of everyone
ALIKE = Answers(level=2, target=None, needs=("data",), delivery="ticket", wait="weeks", pains=PAIN)


@dataclass
class Closed:
    organization: Organization
    teams: list[Team]
    wave: Wave
    admin: Any
    lead: Any

    def api(self, user: Any = None) -> APIClient:
        client = APIClient()
        client.force_authenticate(user or self.admin)
        return client

    def page(self, user: Any = None) -> Client:
        client = Client()
        client.force_login(user or self.admin)
        return client


@pytest.fixture
def closed(loaded_model: Any, settings: Any) -> Closed:
    settings.TAG_EXPORT_MIN_GROUP = K
    now = timezone.now()
    organization, teams = build_org(teams=4)
    wave = make_wave(
        organization, load_instrument(), name="Spring", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1),
        teams=teams,
    )  # fmt: skip
    submit(wave, [(team, ALIKE) for team in teams[1:] for _ in range(5)], when=now - timedelta(days=10))
    admin = person("ada", first_name="Ada", last_name="Byron")
    member(admin, organization, Membership.Role.ADMIN)
    lead = person("lee")
    member(lead, organization, Membership.Role.TEAM_LEAD, teams[1])
    return Closed(organization, teams, wave, admin, lead)


def issue_body(wave: Wave, answers: Answers) -> str:
    """What GitHub writes for an issue form: `### <label>`, a blank line, the chosen option's text."""
    spec = wave.instrument.spec()
    parts = []
    values = {**_raw_values(wave.instrument, "app_developer", answers), **ABOUT}
    for key, value in values.items():
        question = spec.question(key)
        label = next((o.label for o in question.options if o.value == value), str(value))
        parts.append(f"### {question.text}\n\n{label}")
    return "\n\n".join(parts)


def late_issues(wave: Wave, start: int, count: int) -> list[IssueForm]:
    body = issue_body(wave, ALIKE)
    return [IssueForm(source_id=f"late-{start + index}", body=body, author="someone") for index in range(count)]


def reopen(wave: Wave) -> None:
    wave_reopen(wave=wave, now=timezone.now(), closes_at=timezone.now() + timedelta(hours=1))


def close(wave: Wave) -> None:
    wave_close(wave=wave, now=timezone.now() - timedelta(seconds=1))


def publish(world: Closed, **body: Any) -> Any:
    return world.api().post("/api/v1/export/tag/releases/", {"wave": world.wave.pk, **body}, format="json")


def test_the_late_import_attack_is_refused_until_k_people_differ(closed):
    first = publish(closed)
    assert first.status_code == 201 and first.json()["number"] == 1

    with pytest.raises(ImportRefused, match=r"closed on .* reopen"):
        issue_responses_import(wave=closed.wave, team=closed.teams[1], issues=late_issues(closed.wave, 0, 1))

    reopen(closed.wave)
    report = issue_responses_import(wave=closed.wave, team=closed.teams[1], issues=late_issues(closed.wave, 0, 1))
    assert report.created == ["late-0"], report.skipped
    close(closed.wave)
    refused = publish(closed)
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "release_too_close"
    assert "respondents/all (changed since release 1)" in error["message"]
    assert {"cell": "respondents/all", "release": 1, "change": "changed"} in error["details"]
    assert Release.objects.count() == 1

    reopen(closed.wave)
    issue_responses_import(wave=closed.wave, team=closed.teams[1], issues=late_issues(closed.wave, 1, K - 1))
    close(closed.wave)
    second = publish(closed)
    assert second.status_code == 201, second.content
    assert second.json()["number"] == 2 and not second.json()["superseded"]
    listed = closed.api().get(f"/api/v1/export/tag/releases/?wave={closed.wave.pk}").json()
    assert [(r["number"], r["superseded"]) for r in listed] == [(1, True), (2, False)]
    served = closed.api().get(f"/api/v1/export/tag/?wave={closed.wave.pk}")
    assert served["X-Release-Number"] == "2" and served.json()["release"]["number"] == 2


def test_the_first_export_is_stored_and_served_unchanged(closed):
    url = f"/api/v1/export/tag/?wave={closed.wave.pk}"
    first = closed.api().get(url)
    assert first.status_code == 200
    assert first["X-Release-Sha256"] == hashlib.sha256(first.content).hexdigest()
    # Answers that reach the wave behind the services' back still do not change what is served.
    submit(closed.wave, [(closed.teams[1], Answers(level=4))])
    second = closed.api().get(url)
    assert second.content == first.content
    release = Release.objects.get()
    assert (release.number, release.min_group_size, release.release_text) == (1, K, False)
    assert json.loads(release.document)["release"]["inputs_hash"] == release.inputs_hash


def test_publishing_the_same_data_again_returns_the_current_release(closed):
    assert publish(closed).status_code == 201
    again = publish(closed)
    assert again.status_code == 200 and again.json()["number"] == 1
    assert Release.objects.count() == 1


def test_a_release_of_the_other_free_text_choice_is_a_conflict_not_a_new_export(closed):
    closed.api().get(f"/api/v1/export/tag/?wave={closed.wave.pk}")
    asked = closed.api().get(f"/api/v1/export/tag/?wave={closed.wave.pk}&release_text=true")
    assert asked.status_code == 409 and asked.json()["error"]["code"] == "release_differs"
    assert "published without free text" in asked.json()["error"]["message"]


def test_an_open_wave_is_neither_released_nor_previewed(closed):
    reopen(closed.wave)
    for response in (
        publish(closed),
        closed.api().get(f"/api/v1/export/tag/preview/?wave={closed.wave.pk}"),
        closed.api().get(f"/api/v1/export/tag/?wave={closed.wave.pk}"),
    ):
        assert response.status_code == 409 and response.json()["error"]["code"] == "wave_not_closed"
        assert "only closed waves are released" in response.json()["error"]["message"]
    assert not Release.objects.exists()


def test_released_free_text_is_scrubbed_and_the_release_counts_it(closed):
    response = publish(closed, release_text=True)
    assert response.status_code == 201
    body = response.json()
    assert body["scrubbed_texts"] == 15
    assert body["scrub_replacements"] == {"email": 15, "url": 0, "handle": 0, "person": 0, "team": 15, "organization": 15}
    document = closed.api().get(f"/api/v1/export/tag/?wave={closed.wave.pk}").json()
    texts = document["free_text"][0]["texts"]
    assert texts == ["Ask [email] or [team] about [organization], tickets take weeks"] * 15
    assert "ada@example.com" not in json.dumps(document)


def test_the_preview_shows_the_scrubbed_texts_and_stores_nothing(closed):
    preview = closed.api().get(f"/api/v1/export/tag/preview/?wave={closed.wave.pk}").json()
    assert preview["number"] == 1 and preview["publishable"] and preview["refusal"] == ""
    assert preview["free_text"][0]["texts"][0] == "Ask [email] or [team] about [organization], tickets take weeks"
    assert preview["scrubbed_texts"] == 15
    assert not Release.objects.exists()


def test_a_superseded_release_is_still_downloadable_and_says_so(closed):
    publish(closed)
    reopen(closed.wave)
    close(closed.wave)
    response = closed.api().get(f"/api/v1/export/tag/releases/1/?wave={closed.wave.pk}")
    assert response.status_code == 200 and response["X-Release-Superseded"] == "true"
    release = response.json()["release"]
    assert release["superseded"] is True and release["superseded_at"]
    stored = json.loads(Release.objects.get().document)
    assert stored["release"]["superseded"] is False, "the stored text stays as published"
    missing = closed.api().get(f"/api/v1/export/tag/releases/9/?wave={closed.wave.pk}")
    assert missing.status_code == 404


def test_releases_are_for_admins_only(closed):
    assert closed.api(closed.lead).get(f"/api/v1/export/tag/releases/?wave={closed.wave.pk}").status_code == 403
    assert (
        closed.api(closed.lead).post("/api/v1/export/tag/releases/", {"wave": closed.wave.pk}, format="json").status_code == 403
    )
    assert closed.api(closed.lead).get(f"/api/v1/export/tag/preview/?wave={closed.wave.pk}").status_code == 403
    assert closed.page(closed.lead).get(f"/dashboard/waves/{closed.wave.pk}/release/").status_code == 403
    assert not Release.objects.exists()


def test_junk_in_the_release_api_is_a_400(closed):
    assert publish(closed, release_text="maybe").status_code == 400
    assert publish(closed, extra=1).status_code == 400
    assert closed.api().get("/api/v1/export/tag/releases/?wave=abc").status_code == 400
    assert closed.api().get("/api/v1/export/tag/schema/?version=7").status_code == 400


def test_the_old_schema_version_is_still_served(closed):
    response = APIClient().get("/api/v1/export/tag/schema/?version=1")
    assert json.loads(b"".join(response.streaming_content))["properties"]["format_version"] == {"const": 1}


# --- the release page ---------------------------------------------------------------------------------------


def page_url(world: Closed) -> str:
    return f"/dashboard/waves/{world.wave.pk}/release/"


def test_the_release_page_previews_publishes_and_downloads(closed):
    client = closed.page()
    page = client.get(page_url(closed)).content.decode()
    assert "Next release: number 1" in page and "Publish release" in page
    assert "Ask [email] or [team] about [organization]" in page and "ada@example.com" not in page

    published = client.post(page_url(closed), {"action": "publish", "release_text": "on"}, follow=True)
    assert published.status_code == 200 and "Release 1 of Spring is published." in published.content.decode()
    assert Release.objects.get().release_text

    download = client.get(page_url(closed) + "?download=json&number=1")
    assert download.status_code == 200 and download.content == Release.objects.get().document.encode()
    rows = list(csv.reader(io.StringIO(client.get(page_url(closed) + "?download=csv&number=1").content.decode())))
    assert ["3", "context", "release_number", "", "", "", "", "", "1", "published"] in rows
    assert any(row[:4] == ["3", "practices", "gitops", "adopters"] for row in rows)
    assert client.get(page_url(closed) + "?download=pdf&number=1").status_code == 400
    assert client.get(page_url(closed) + "?download=json&number=x").status_code == 400


def test_the_release_page_names_the_cells_of_a_refused_release_and_can_reopen(closed):
    client = closed.page()
    client.post(page_url(closed), {"action": "publish"})
    bad = client.post(page_url(closed), {"action": "reopen", "closes_at": "soon"})
    assert bad.status_code == 400 and "Give the date and time" in bad.content.decode()
    until = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    reopened = client.post(page_url(closed), {"action": "reopen", "closes_at": until}, follow=True)
    assert "open again until" in reopened.content.decode() and "Superseded" in reopened.content.decode()
    closed.wave.refresh_from_db()
    issue_responses_import(wave=closed.wave, team=closed.teams[1], issues=late_issues(closed.wave, 0, 1))
    close(closed.wave)
    page = client.get(page_url(closed)).content.decode()
    assert "This release is refused" in page and "respondents/all (changed since release 1)" in page
    assert "Publish release" not in page
    refused = client.post(page_url(closed), {"action": "publish"})
    assert refused.status_code == 409 and Release.objects.count() == 1


def test_the_waves_page_links_a_closed_wave_to_its_release_page(closed):
    page = closed.page().get("/waves/").content.decode()
    assert f'href="{page_url(closed)}"' in page
