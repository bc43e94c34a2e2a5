"""The delivery surfaces next to an anonymous wave: they read signals, which describe systems, so a lone
respondent's answers and scores appear on neither the page, its CSV downloads nor the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessor.models import Membership, Repository
from collectors.models import CollectionRun
from collectors.models.runs import Collector
from collectors.records import Outcome, SignalRecord
from collectors.services import run_opened, run_record
from tests.reports.factories import Answers, build_org, load_instrument, make_wave, member, person, rescore, submit

pytestmark = pytest.mark.django_db

PAIN = "Waiting on the zebra database ticket again"


def test_a_lone_respondent_of_an_anonymous_wave_shows_nowhere_on_the_delivery_surfaces(loaded_model):
    now = timezone.now()
    organization, teams = build_org(teams=3)
    wave = make_wave(
        organization, load_instrument(), name="Quiet", opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1),
        teams=teams,
    )  # fmt: skip
    wave.anonymous, wave.min_responses = True, 3
    wave.save(update_fields=["anonymous", "min_responses"])
    submit(wave, [(teams[1], Answers(level=2, target=4, pains=PAIN))], when=now - timedelta(days=10))
    rescore(now=now - timedelta(days=9))
    repository = Repository.objects.create(team=teams[1], name="shop")
    with run_opened(source=repository, collector=Collector.CI, trigger=CollectionRun.Trigger.PUSH) as run:
        signals = (SignalRecord("ci.deploys_per_week", 3.0), SignalRecord("ci.lead_time_hours", 30.0))
        run_record(run=run, source=repository, outcome=Outcome(signals=signals, complete=False))
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    client = Client()
    client.force_login(admin)

    paths = [
        "/dashboard/delivery/?org=acme",
        "/dashboard/delivery/?org=acme&download=metrics",
        "/dashboard/delivery/?org=acme&download=history-lead-time-hours",
        "/api/v1/orgs/acme/reports/delivery/",
    ]
    bodies = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        bodies.append(response.content.decode())
    assert all(PAIN not in body and "2.00" not in body for body in bodies)
    assert "3 a week" in bodies[0] and "30.0 hours" in bodies[1]  # the probes can see the team's figures
