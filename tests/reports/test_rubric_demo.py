"""The demo's first wave was reported under rubric 1, so its trends page shows what a rubric change moved."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessor.models import Organization
from reports.models import ScoreSnapshot
from surveys.models import Wave

pytestmark = pytest.mark.django_db


def test_the_demo_trends_page_tells_rubric_moves_from_team_moves(loaded_model, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the rescore the demo asks for, under the current rubric
        call_command("seed_demo", stdout=out)
    assert "scored under rubric 1 as first reported" in out.getvalue()
    organization = Organization.objects.get(slug="northwind")
    first = Wave.objects.filter(organization=organization).order_by("opens_at").first()
    stamped = ScoreSnapshot.objects.filter(wave=first, rubric_version="1").values_list("computed_at", flat=True)
    assert stamped and {when for when in stamped} == {first.closes_at}

    call_command("seed_demo", stdout=io.StringIO())  # again: nothing more under rubric 1
    assert ScoreSnapshot.objects.filter(wave=first, rubric_version="1").count() == len(stamped)

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.get(reverse("reports:trends") + f"?org={organization.slug}")
    assert response.status_code == 200
    text = response.content.decode()
    assert f"first reported under another rubric ({first.name} under rubric 1)" in text
    assert "Movements across a rubric change" in text
    assert "Scoring rubric 2 applied" in text
