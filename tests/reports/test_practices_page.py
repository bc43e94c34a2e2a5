"""The practices page and its API on an organization built so that each comparison can be checked by hand.

Twelve application teams consume one platform. Six of them say they get their databases through
self-service and usually within days; the other six file tickets and wait weeks. So the self-service group
waited a median 3 days against 14, and no other practice has teams on both sides.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessor.models import Membership
from tests.reports.factories import Answers, build_org, load_instrument, make_wave, member, person, rescore, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(loaded_model):
    now = timezone.now()
    organization, teams = build_org(teams=13)
    platform, apps = teams[0], teams[1:]
    wave = make_wave(
        organization, load_instrument(), name="Autumn", opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=5),
        teams=teams,
    )  # fmt: skip
    quick = Answers(level=3, needs=("data",), delivery="self_service", wait="days")
    slow = Answers(level=2, needs=("data",), delivery="ticket", wait="weeks")
    submit(wave, [(team, quick if index < 6 else slow) for index, team in enumerate(apps)], when=now - timedelta(days=10))
    submit(wave, [(platform, Answers(level=3, provides=("data",)))], when=now - timedelta(days=10))
    rescore(now=now - timedelta(days=9))
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    lead = person("lee")
    member(lead, organization, Membership.Role.MEMBER, team=apps[0])
    return {"organization": organization, "wave": wave, "apps": apps, "admin": admin, "lead": lead}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_api_compares_self_service_teams_with_the_others_by_hand(world):
    org = world["organization"].slug
    response = client_for(world["admin"]).get(f"/api/v1/orgs/{org}/reports/practices/")
    assert response.status_code == 200
    report = response.json()
    rows = {(row["practice"], row["outcome"]): row for row in report["comparisons"]}

    wait = rows[("self_service", "median_wait_days")]
    assert (wait["enough"], wait["adopters"], wait["others"]) == (True, 6, 6)
    assert (wait["adopters_value"], wait["others_value"], wait["difference"]) == (3.0, 14.0, -11.0)
    assert wait["low"] <= -11.0 <= wait["high"]
    assert wait["sentence"].startswith("Teams using Self-service platform waited a median 11.0 days less")
    tickets = rows[("self_service", "ticket_share")]
    assert (tickets["adopters_value"], tickets["others_value"]) == (0.0, 1.0)
    # nobody shows GitOps: every team is on one side, so there is nothing to compare
    gitops = rows[("gitops", "median_wait_days")]
    assert (gitops["enough"], gitops["adopters"], gitops["others"], gitops["difference"]) == (False, 0, 12, None)
    assert gitops["sentence"].startswith("Not enough teams to compare")
    assert report["comparisons_made"] == sum(row["enough"] for row in report["comparisons"]) >= 2

    adoption = {row["practice"]: row for row in report["adoption"]}
    assert (adoption["self_service"]["through_providers_only"], adoption["self_service"]["not_adopted"]) == (6, 6)
    domains = {row["capability"]: row for row in report["domains"]}
    assert (domains["data"]["teams_needing"], domains["data"]["unmet_or_slow"]) == (12, 6)


def test_the_page_says_what_it_compares_and_lists_only_the_readers_teams(world):
    page = client_for(world["lead"]).get("/dashboard/practices/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Practices and the gap" in text and "comparisons in this wave had at least 5 application teams" in text
    assert "not a cause" in text
    csv = client_for(world["lead"]).get("/dashboard/practices/?download=teams").content.decode()
    assert world["apps"][0].name in csv and world["apps"][1].name not in csv


def test_an_unknown_wave_is_a_404_and_a_stranger_is_refused(world):
    org = world["organization"].slug
    assert client_for(world["admin"]).get(f"/api/v1/orgs/{org}/reports/practices/?wave=999999").status_code == 404
    assert client_for(world["admin"]).get("/dashboard/practices/?wave=999999").status_code == 404
    stranger = person("sam")
    assert client_for(stranger).get(f"/api/v1/orgs/{org}/reports/practices/").status_code in (403, 404)


def test_adoption_over_the_waves_is_on_the_page_and_in_its_csv(world):
    client = client_for(world["admin"])
    page = client.get("/dashboard/practices/").content.decode()
    assert "Practices over the waves" in page and 'href="#trend"' in page
    csv = client.get("/dashboard/practices/?download=trend").content.decode()
    header, *lines = csv.strip().splitlines()
    assert header.split(",")[:3] == ["Wave", "Teams", "Practice"]
    self_service = [line for line in lines if "Whole organization,Self-service platform" in line]
    assert self_service == ["Autumn,Whole organization,Self-service platform,6,12,0.5000"]
