"""The demo's practices page: one comparison with enough teams and one without, both checkable by hand.

surveys/data/demo.yaml says how capabilities reach each application team; the demo repositories and cluster
add what collectors see. Self-service: six teams use it (their repositories carry a catalog entry, or their
capabilities reach them through the portal) and six do not. GitOps: four teams' namespaces are reconciled
from git, against eight, below the minimum of five a side.
"""

import io
import statistics

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assessor.models import Organization, Team
from reports.frames.practices import WAIT_DAYS
from surveys.models import Answer, Response, Wave

pytestmark = pytest.mark.django_db

SELF_SERVICE = {"checkout", "catalog", "mobile", "notifications", "warehouse", "billing"}
GITOPS = {"checkout", "catalog", "notifications", "billing"}


@pytest.fixture
def demo(loaded_model):
    call_command("seed_demo", stdout=io.StringIO())


def median_wait_by_team(wave: Wave) -> dict[str, float]:
    """Each application team's median wait over its submitted wait answers, read the plain way."""
    waits: dict[str, list[float]] = {}
    answers = Answer.objects.filter(
        response__wave=wave, response__status=Response.Status.SUBMITTED, question__key__endswith=".wait"
    ).values_list("response__team__slug", "value_text")
    for slug, value in answers:
        waits.setdefault(slug, []).append(WAIT_DAYS[value])
    return {slug: statistics.median(days) for slug, days in waits.items()}


def test_the_demo_compares_self_service_with_enough_teams_and_gitops_without(demo):
    organization = Organization.objects.get(slug="northwind")
    apps = set(Team.objects.filter(organization=organization, kind="application").values_list("slug", flat=True))
    assert len(apps) == 12 and apps >= SELF_SERVICE | GITOPS
    wave = Wave.objects.get(organization=organization, name="Autumn 2026")
    assert wave.instrument.version == 2 and wave.is_open(timezone.now())
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))

    report = client.get(f"/api/v1/orgs/{organization.slug}/reports/practices/").json()
    assert report["wave_id"] == wave.pk
    rows = {(row["practice"], row["outcome"]): row for row in report["comparisons"]}

    waits = median_wait_by_team(wave)
    assert set(waits) == apps  # every application team answered how long it waits
    self_service = rows[("self_service", "median_wait_days")]
    assert (self_service["enough"], self_service["adopters"], self_service["others"]) == (True, 6, 6)
    adopters = statistics.median(waits[slug] for slug in SELF_SERVICE)
    others = statistics.median(waits[slug] for slug in apps - SELF_SERVICE)
    assert (self_service["adopters_value"], self_service["others_value"]) == (adopters, others)
    assert self_service["difference"] == adopters - others < 0
    words = f"Teams using Self-service platform waited a median {others - adopters:.1f} days less"
    assert self_service["sentence"].startswith(words)

    gitops = rows[("gitops", "median_wait_days")]
    assert (gitops["enough"], gitops["adopters"], gitops["others"], gitops["difference"]) == (False, 4, 8, None)
    assert gitops["sentence"] == "Not enough teams to compare (4 adopting, 8 not; at least 5 each)."

    page = client.get("/dashboard/practices/").content.decode()
    assert "Not enough teams to compare (4 adopting, 8 not" in page
    assert words in page
