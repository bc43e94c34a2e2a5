"""The anonymous-wave rule holds on every surface: one respondent of a team in an anonymous wave with a
minimum of three shows up nowhere; with three respondents the same team shows up everywhere.

Each surface is read as an admin would read it (admins see every team, so only the anonymity rule can
hide anything), and the same probe runs for both sizes, so a probe that cannot see the team's data at all
fails the three-respondent case instead of passing silently.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from assessor.models import Membership
from reports.export.practices import practice_counts
from reports.export.selectors import tag_input
from reports.periods import digest_period
from reports.services import digest_data, digest_for
from surveys.services import invitations_for_people
from tests.reports.factories import Answers, build_org, load_instrument, make_wave, member, person, rescore, submit

pytestmark = pytest.mark.django_db

PAIN = "Waiting on the zebra database ticket again"
PERSON = "Quinnevere"  # the first name of everyone invited by name: it must appear on no surface
TEAM = "App 0001"


def _build(respondents: int, *, by_name: bool) -> dict[str, Any]:
    now = timezone.now()
    organization, teams = build_org(teams=4)
    wave = make_wave(
        organization, load_instrument(), name="Quiet", opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1),
        teams=teams,
    )  # fmt: skip
    wave.anonymous, wave.min_responses = True, 3
    wave.save(update_fields=["anonymous", "min_responses"])
    answers = Answers(level=2, target=4, needs=("data",), delivery="ticket", wait="weeks", pains=PAIN)
    responses = submit(wave, [(teams[1], answers)] * respondents, when=now - timedelta(days=10))
    if by_name:
        # each response came through the link of a person invited by name, as the wave's people page shows it
        for index in range(len(responses)):
            user = person(f"quinn{index}", email=f"quinn{index}@example.com", first_name=PERSON, last_name=f"No{index}")
            member(user, organization, Membership.Role.MEMBER, teams[1])
        invitations = invitations_for_people(wave=wave)
        for response, invitation in zip(responses, invitations, strict=True):
            response.invitation = invitation
            response.save(update_fields=["invitation"])
    rescore(now=now - timedelta(days=9))
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return {"organization": organization, "team": teams[1], "wave": wave, "admin": admin, "client": client, "now": now}


@pytest.fixture
def anonymous_wave(loaded_model: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    return _build(request.param, by_name=False)


@pytest.fixture
def named_anonymous_wave(loaded_model: Any, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The same wave, its people invited by name (one link each, responses through those links)."""
    return _build(request.param, by_name=True)


def _get(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _team_row_with(column: str) -> Callable[[str], bool]:
    """A CSV probe: a row of the team with a value in `column`."""
    return lambda text: any(row.get("Team") == TEAM and row.get(column, "") not in ("", None) for row in _csv_rows(text))


def _has_score(text: str) -> bool:
    return "2.00" in text


def _has_pain(text: str) -> bool:
    return PAIN in text


def _compares_the_team(text: str) -> bool:
    """The team's answers (a wait, tickets) make it the one team on the others' side of each comparison."""
    return "0 adopting, 1 not" in text


def _json_list(key: str) -> Callable[[str], bool]:
    return lambda text: bool(json.loads(text)[key])


def surfaces(world: dict[str, Any]) -> dict[str, tuple[str, Callable[[str], bool]]]:
    wave, team, org = world["wave"].pk, world["team"].pk, world["organization"].slug
    return {
        "heat map": (f"/dashboard/?wave={wave}", _has_score),
        "heat map CSV": (f"/dashboard/?wave={wave}&download=heatmap", _team_row_with("Score")),
        "team page": (f"/dashboard/teams/{team}/?wave={wave}", _has_score),
        "team profile CSV": (f"/dashboard/teams/{team}/?wave={wave}&download=radar", lambda t: "2.00" in t or ",2.0," in t),
        "gaps page": (f"/dashboard/gaps/?wave={wave}", lambda t: _has_pain(t) and TEAM in t),
        "target gaps CSV": (f"/dashboard/gaps/?wave={wave}&download=target_gaps", _team_row_with("Gap")),
        "unmet needs CSV": (f"/dashboard/gaps/?wave={wave}&download=unmet", _team_row_with("Capability")),
        "pains CSV": (f"/dashboard/gaps/?wave={wave}&download=pains", _has_pain),
        "demand CSV": (
            f"/dashboard/gaps/?wave={wave}&download=demand_supply",
            lambda t: any(row.get("Teams that need it") not in ("", "0") for row in _csv_rows(t)),
        ),
        "practices domains CSV": (
            f"/dashboard/practices/?wave={wave}&download=domains",
            lambda t: any(row.get("Application teams that need it") not in ("", "0") for row in _csv_rows(t)),
        ),
        "practices page": (f"/dashboard/practices/?wave={wave}", lambda t: "Data" in t and "Application teams that need it" in t),
        "API practices report": (
            f"/api/v1/orgs/{org}/reports/practices/?wave={wave}",
            lambda t: any(row["teams_needing"] for row in json.loads(t)["domains"]),
        ),
        "trends CSV": ("/dashboard/trends/?download=trend", lambda t: len(_csv_rows(t)) > 0),
        "wave report": (f"/dashboard/waves/{wave}/report.html", lambda t: _has_score(t) and _has_pain(t)),
        "wave report practices": (f"/dashboard/waves/{wave}/report.html", _compares_the_team),
        "practices comparisons CSV": (f"/dashboard/practices/?wave={wave}&download=comparisons", _compares_the_team),
        "free-text tag review": (f"/dashboard/waves/{wave}/tags/", _has_pain),
        "wave scores CSV": (f"/dashboard/waves/{wave}/scores.csv", _team_row_with("Score")),
        "API scores": (f"/api/v1/orgs/{org}/scores/?wave={wave}", lambda t: json.loads(t)["count"] > 0),
        "API team history": (f"/api/v1/orgs/{org}/teams/{team}/scores/", lambda t: json.loads(t)["count"] > 0),
        "API gap report targets": (f"/api/v1/orgs/{org}/reports/gaps/?wave={wave}", _json_list("target_gaps")),
        "API gap report unmet needs": (f"/api/v1/orgs/{org}/reports/gaps/?wave={wave}", _json_list("unmet_needs")),
        "API gap report cooperation": (
            f"/api/v1/orgs/{org}/reports/gaps/?wave={wave}",
            lambda t: any(row["demand"] for row in json.loads(t)["cooperation"]),
        ),
        "API trends": (f"/api/v1/orgs/{org}/reports/trends/", _json_list("points")),
        "API answers export": (f"/api/v1/export/answers/?wave={wave}&format=json", _has_pain),
    }


def digest_shows_the_team(world: dict[str, Any]) -> bool:
    period = digest_period(frequency="weekly", now=world["now"])
    data = digest_data(organization=world["organization"], period=period)
    assert data is not None
    content = digest_for(organization=world["organization"], user=world["admin"], data=data, period=period)
    return bool(
        content.heat_rows or content.target_gaps or content.changes or content.new_teams or content.practice_teams_compared
    )


def digest_practices_show_the_team(world: dict[str, Any]) -> bool:
    period = digest_period(frequency="weekly", now=world["now"])
    data = digest_data(organization=world["organization"], period=period)
    assert data is not None
    content = digest_for(organization=world["organization"], user=world["admin"], data=data, period=period)
    return content.practice_teams_compared > 0


@pytest.mark.parametrize("anonymous_wave", [1], indirect=True)
def test_one_respondent_in_an_anonymous_wave_is_shown_nowhere(anonymous_wave):
    client = anonymous_wave["client"]
    shown = [name for name, (path, probe) in surfaces(anonymous_wave).items() if probe(_get(client, path))]
    assert shown == []
    assert not digest_shows_the_team(anonymous_wave)
    assert not digest_practices_show_the_team(anonymous_wave)


@pytest.mark.parametrize("anonymous_wave", [3], indirect=True)
def test_three_respondents_in_the_same_wave_are_shown_everywhere(anonymous_wave):
    client = anonymous_wave["client"]
    hidden = [name for name, (path, probe) in surfaces(anonymous_wave).items() if not probe(_get(client, path))]
    assert hidden == []
    assert digest_shows_the_team(anonymous_wave)
    assert digest_practices_show_the_team(anonymous_wave)


@pytest.mark.parametrize("anonymous_wave", [1, 3], indirect=True)
def test_the_reviewer_export_never_carries_the_teams_free_text(anonymous_wave):
    text = _get(anonymous_wave["client"], f"/api/v1/export/tag/?wave={anonymous_wave['wave'].pk}&release_text=true")
    assert PAIN not in text


@pytest.mark.parametrize("anonymous_wave", [1, 3], indirect=True)
def test_the_release_preview_and_release_follow_the_anonymous_wave_rule(anonymous_wave, settings):
    settings.TAG_EXPORT_MIN_GROUP = 1  # so only the anonymity rule can hold the text back
    client, wave = anonymous_wave["client"], anonymous_wave["wave"].pk
    shown = {
        "release page": PAIN in _get(client, f"/dashboard/waves/{wave}/release/"),
        "API preview": PAIN in _get(client, f"/api/v1/export/tag/preview/?wave={wave}"),
        "API release": PAIN in _get(client, f"/api/v1/export/tag/?wave={wave}&release_text=true"),
    }
    respondents = anonymous_wave["wave"].responses.filter(status="submitted").count()
    assert shown == dict.fromkeys(shown, respondents >= 3)


@pytest.mark.parametrize("named_anonymous_wave", [1, 3], indirect=True)
def test_people_invited_by_name_follow_the_same_rule_and_no_surface_shows_a_name(named_anonymous_wave):
    client, wave = named_anonymous_wave["client"], named_anonymous_wave["wave"]
    respondents = wave.responses.filter(status="submitted", invitation__membership__isnull=False).count()
    texts = {name: _get(client, path) for name, (path, _) in surfaces(named_anonymous_wave).items()}
    texts["release page"] = _get(client, f"/dashboard/waves/{wave.pk}/release/")

    shown = [name for name, (_, probe) in surfaces(named_anonymous_wave).items() if probe(texts[name])]
    named = [name for name, text in texts.items() if PERSON in text or "quinn0@example.com" in text]

    assert shown == ([] if respondents < 3 else list(surfaces(named_anonymous_wave)))
    assert digest_shows_the_team(named_anonymous_wave) is (respondents >= 3)
    assert named == []
    # only the wave's people page, for its admins, says who was invited and who answered
    assert PERSON in _get(client, f"/dashboard/waves/{wave.pk}/people/")


@pytest.mark.parametrize("anonymous_wave", [1, 3], indirect=True)
def test_the_rules_view_shows_evidence_per_team_but_never_a_score_or_answer_of_the_wave(anonymous_wave):
    # Evidence describes systems and belongs to no wave, so the team's rule outcomes show whatever the wave's size;
    # nothing the team's respondents said or scored does.
    from tests.reports.evidence_build import evaluation

    world = anonymous_wave
    evaluation(world["team"], ("adoption", 2, "contradicts", "adoption-hand-applied-workloads"))
    org = world["organization"].slug
    for path in (
        f"/dashboard/rules/?org={org}",
        f"/dashboard/rules/?org={org}&download=rules",
        f"/api/v1/orgs/{org}/reports/rules/",
    ):
        text = _get(world["client"], path)
        assert TEAM in text, path
        assert not _has_score(text) and not _has_pain(text), path


@pytest.mark.parametrize("anonymous_wave", [1, 3], indirect=True)
def test_the_reviewer_exports_practice_section_follows_the_anonymous_wave_rule(anonymous_wave):
    """Its exact counts, before suppression: the team's wait is there only when its answers may be read."""
    source = tag_input(anonymous_wave["wave"])
    counts, _, _ = practice_counts(source.answers, source.links, source.team_kinds, source.practices)
    respondents = anonymous_wave["wave"].responses.filter(status="submitted").count()
    assert counts[("practices", "gitops", "others", "median_wait", "weeks")] == (1 if respondents >= 3 else 0)
    document = json.loads(_get(anonymous_wave["client"], f"/api/v1/export/tag/?wave={anonymous_wave['wave'].pk}"))
    assert [item["practice"] for item in document["practices"]["items"]][:1] == ["gitops"]


@pytest.mark.parametrize("anonymous_wave", [1, 3], indirect=True)
def test_a_community_receives_only_what_the_anonymous_wave_rule_lets_into_the_release(anonymous_wave, settings):
    from community.models import Community, CommunityRole
    from community.services import contributor_issue

    settings.TAG_EXPORT_MIN_GROUP = 1  # so only the anonymity rule can hold the text back
    client, wave = anonymous_wave["client"], anonymous_wave["wave"]
    body = {"wave": wave.pk, "release_text": True}
    assert client.post("/api/v1/export/tag/releases/", body, content_type="application/json").status_code == 201
    community = Community.objects.create(name="Peers", slug="peers")
    CommunityRole.objects.create(community=community, user=anonymous_wave["admin"], role=CommunityRole.Role.REVIEWER)
    contributor, _ = contributor_issue(community=community, pseudonym="Org A", organization=anonymous_wave["organization"])
    published = client.post(f"/dashboard/waves/{wave.pk}/community/", {"action": "local", "contributor": contributor.pk})
    assert published.status_code == 302, published.content[:300]
    received = community.releases.get()
    shown = {
        "received release": PAIN in _get(client, f"/api/v1/communities/peers/releases/{received.pk}/"),
        "community report API": json.loads(_get(client, "/api/v1/communities/peers/report/"))["organizations"] == 1,
        "community page": "1 organization" in _get(client, "/communities/peers/"),
    }
    respondents = wave.responses.filter(status="submitted").count()
    assert shown["received release"] is (respondents >= 3)
    assert shown["community report API"] and shown["community page"]
    assert TEAM not in received.document and anonymous_wave["organization"].name not in received.document
