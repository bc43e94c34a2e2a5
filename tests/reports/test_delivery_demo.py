"""The demo organization's delivery page shows all four metrics, with their basis and band, and a history."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from assessor.models import Membership
from collectors import demo
from tests.reports.factories import member, person

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_four_metrics_with_basis_band_and_history(demo_org):
    out = io.StringIO()
    demo.seed(demo_org, out)
    assert "12 delivery pushes from CI" in out.getvalue()  # three teams, four pushes each
    admin = person("ada")
    member(admin, demo_org, Membership.Role.ADMIN)
    client = Client()
    client.force_login(admin)

    page = client.get(f"/dashboard/delivery/?org={demo_org.slug}")
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore"):
        assert name in text
    assert "pushed from CI" in text
    assert "from tags" in text  # the local scans of repositories with tags
    assert "Elite (DORA 2023)" in text and "Low (DORA 2023)" in text

    body = client.get(f"/api/v1/orgs/{demo_org.slug}/reports/delivery/").json()
    checkout = {row["metric"]: row for row in body["metrics"] if row["team"] == "Checkout" and row["basis"] == "ci"}
    assert {metric: row["band"] for metric, row in checkout.items()} == {
        "deploys_per_week": "elite",  # 12 a week
        "lead_time_hours": "elite",  # 14 hours
        "change_failure_rate": "elite",  # 4%
        "time_to_restore_hours": "elite",  # 0.8 hours
    }
    history = [p["value"] for p in body["history"] if p["metric"] == "deploys_per_week" and p["basis"] == "ci"]
    assert sorted(history) == sorted([3, 5, 8, 12, 0.8, 1, 1.5, 2, 0.2, 0.25, 0.3, 0.5])
