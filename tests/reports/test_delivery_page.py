"""The delivery page and its API on an organization whose figures can be checked by hand.

App 0001's repository was collected from GitHub twice: 40 days ago with 13 merges in the 90-day window as
the basis (13 / (90 / 7) = 1.01 a week: high), and today with 180 deployments 12 hours apart, one of which
failed and was restored 30 minutes later (179 / (90 / 7) = 13.92 a week: elite; 1 failure in 180 = 0.6%:
elite; restored in 0.5 hours: elite; each change opened 21 hours before its deploy: elite).
App 0002's repository pushes its figures from CI. App 0003 has nothing collected.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessor.models import Membership, Repository
from collectors.delivery import DeliveryEvent, MergedChange, delivery_signals
from collectors.models import CIToken, CollectionRun
from collectors.models.runs import Collector
from collectors.pushed import ci_evidence_push, ci_token_issue
from collectors.records import Outcome
from collectors.services import run_opened, run_record
from tests.reports.factories import build_org, member, person

pytestmark = pytest.mark.django_db


def _collect(repository, signals, *, now):
    with run_opened(source=repository, collector=Collector.GITHUB, trigger=CollectionRun.Trigger.MANUAL) as run:
        run_record(run=run, source=repository, outcome=Outcome(signals=tuple(signals)), now=now)


@pytest.fixture
def world(loaded_model):
    now = timezone.now()
    organization, teams = build_org(teams=4)
    shop = Repository.objects.create(team=teams[1], name="shop", github_full_name="acme/shop")
    pay = Repository.objects.create(team=teams[2], name="pay")
    then = now - timedelta(days=40)
    merges = [DeliveryEvent(then - timedelta(days=7 * week)) for week in range(13)]
    _collect(shop, delivery_signals("merges", merges, now=then, endpoint="GET /pulls"), now=then)
    deploys = [
        DeliveryEvent(now - timedelta(hours=12 * index + 1), "failure" if index == 10 else "success") for index in range(180)
    ]
    deploys[9] = DeliveryEvent(deploys[10].at + timedelta(minutes=30), "success")
    changes = [MergedChange(opened_at=d.at - timedelta(hours=21), merged_at=d.at - timedelta(hours=1)) for d in deploys]
    _collect(shop, delivery_signals("deployments", deploys, changes, now=now, endpoint="GET /deployments"), now=now)
    ci_token_issue(repository=pay)
    pushed = [
        {"key": "ci.deploys_per_week", "value": 0.5},
        {"key": "ci.lead_time_hours", "value": 400},
        {"key": "ci.change_failure_rate", "value": 0.3},
        {"key": "ci.time_to_restore_hours", "value": 12},
    ]
    ci_evidence_push(token=CIToken.objects.get(repository=pay), payload={"signals": pushed})
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    lead = person("lee")
    member(lead, organization, Membership.Role.MEMBER, team=teams[2])
    return {"organization": organization, "teams": teams, "admin": admin, "lead": lead}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_four_metrics_with_basis_and_band(world):
    response = client_for(world["admin"]).get("/dashboard/delivery/?org=acme")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore"):
        assert name in page
    assert "from deployments" in page
    assert "pushed from CI" in page
    assert "Elite (DORA 2023)" in page  # 10.0 deploys a week, restored within the hour
    assert "Low (DORA 2023)" in page  # 30% of the pushed deploys failed
    assert "Accelerate State of DevOps Report 2023" in page
    assert 'href="/dashboard/delivery/?org=acme"' in page


def test_the_history_keeps_the_earlier_basis(world):
    response = client_for(world["admin"]).get("/dashboard/delivery/?org=acme&download=history-deploys-per-week")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    shop = [line for line in lines if "shop" in line]
    assert len(shop) == 2, lines
    assert shop[0].endswith(",1.01") and shop[1].endswith(",13.92")


def test_the_api_gives_each_metric_with_its_basis_band_and_the_bands_year(world):
    response = client_for(world["admin"]).get("/api/v1/orgs/acme/reports/delivery/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["bands"]["year"] == 2023
    assert "State of DevOps" in body["bands"]["source"]
    shop = {row["metric"]: row for row in body["metrics"] if row["subject"] == "acme/shop" or row["subject"] == "shop"}
    assert shop["deploys_per_week"]["value"] == 13.92
    assert shop["deploys_per_week"]["basis"] == "deployments"
    assert shop["deploys_per_week"]["band"] == "elite"
    assert shop["lead_time_hours"]["band"] == "elite"
    assert shop["lead_time_hours"]["value"] == 21.0
    assert shop["change_failure_rate"]["value"] == 0.006
    assert shop["change_failure_rate"]["band"] == "elite"
    assert shop["time_to_restore_hours"]["value"] == 0.5
    assert shop["time_to_restore_hours"]["band"] == "elite"
    pay = {row["metric"]: row for row in body["metrics"] if row["subject"] == "pay"}
    assert pay["lead_time_hours"]["band"] == "medium"
    assert pay["change_failure_rate"]["band"] == "low"
    assert pay["deploys_per_week"]["basis_label"] == "pushed from CI"
    assert len([p for p in body["history"] if p["metric"] == "deploys_per_week"]) == 3


def test_a_member_sees_only_their_teams_figures(world):
    client = client_for(world["lead"])
    page = client.get("/dashboard/delivery/?org=acme").content.decode()
    assert "pushed from CI" in page
    assert "from deployments" not in page and world["teams"][1].name not in page
    body = client.get("/api/v1/orgs/acme/reports/delivery/").json()
    assert {row["team_id"] for row in body["metrics"]} == {world["teams"][2].pk}
    assert {point["team_id"] for point in body["history"]} == {world["teams"][2].pk}
    assert client.get(f"/dashboard/delivery/?org=acme&team={world['teams'][1].pk}").status_code == 404
    assert client.get(f"/api/v1/orgs/acme/reports/delivery/?team={world['teams'][1].pk}").status_code == 404


def test_a_team_without_figures_says_how_to_get_them(world):
    client = client_for(world["admin"])
    response = client.get(f"/dashboard/delivery/?org=acme&team={world['teams'][3].pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No delivery figures yet" in page
    assert "Connect GitHub" in page and "Push from CI" in page
    body = client.get(f"/api/v1/orgs/acme/reports/delivery/?team={world['teams'][3].pk}").json()
    assert body["metrics"] == [] and body["history"] == []


def test_bad_filters_are_a_4xx(world):
    client = client_for(world["admin"])
    assert client.get("/dashboard/delivery/?org=acme&team=abc").status_code == 400
    assert client.get("/dashboard/delivery/?org=acme&team=999999").status_code == 404
    assert client.get("/dashboard/delivery/?org=acme&download=nope").status_code == 404
    assert client.get("/api/v1/orgs/acme/reports/delivery/?team=abc").status_code == 400


def test_the_page_and_the_api_do_the_same_number_of_queries_for_more_teams(world):
    client = client_for(world["admin"])

    def counts():
        found = []
        for path in ("/dashboard/delivery/?org=acme", "/api/v1/orgs/acme/reports/delivery/"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for index in range(5):
        team = world["teams"][0].organization.teams.create(name=f"More {index}", slug=f"more-{index}", kind="application")
        repository = Repository.objects.create(team=team, name=f"more-{index}")
        _collect(
            repository,
            delivery_signals(
                "releases", [DeliveryEvent(timezone.now() - timedelta(days=3))], now=timezone.now(), endpoint="GET /releases"
            ),
            now=timezone.now(),
        )
    assert counts() == before
