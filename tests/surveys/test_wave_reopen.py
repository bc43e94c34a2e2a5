"""A closed wave takes no late answers, from imports or links, until an admin reopens it until a new closing time."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from assessor.models import Membership, Team
from surveys.issueforms import IssueForm
from surveys.models import Instrument, Response
from surveys.services import ImportRefused, issue_responses_import
from surveys.services.waves import WaveStateRefused, wave_reopen
from tests.surveys.conftest import make_wave

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "issue_forms"
SHIPPED = Path(__file__).resolve().parents[2] / "surveys" / "data" / "issue_forms" / "infrastructure.yaml"


@pytest.fixture
def closed_form_wave(demo_org):
    call_command("import_issue_form", str(SHIPPED))
    now = timezone.now()
    instrument = Instrument.objects.get(key="infrastructure-for-apps-use-case")
    return make_wave(demo_org, instrument, name="Gone", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2))


def issues() -> list[IssueForm]:
    return [IssueForm(source_id="late", body=(FIXTURES / "infrastructure-short.md").read_text(), author="someone")]


def test_an_import_into_a_closed_wave_is_refused_with_the_reason(closed_form_wave):
    team = Team.objects.get(slug="checkout")
    with pytest.raises(ImportRefused) as refused:
        issue_responses_import(wave=closed_form_wave, team=team, issues=issues())
    assert "closed on" in str(refused.value) and "An admin can reopen the wave" in str(refused.value)
    assert not Response.objects.exists()


def test_the_import_command_refuses_a_closed_wave(closed_form_wave):
    with pytest.raises(CommandError, match="closed on"):
        call_command(
            "import_issue_responses", str(FIXTURES / "infrastructure-short.md"),
            "--instrument", "infrastructure-for-apps-use-case", "--wave", str(closed_form_wave.pk), "--team", "checkout",
        )  # fmt: skip
    assert not Response.objects.exists()


def test_a_reopened_wave_takes_imports_and_links_again(closed_form_wave, rescores):
    now = timezone.now()
    wave_reopen(wave=closed_form_wave, now=now, closes_at=now + timedelta(days=1))
    closed_form_wave.refresh_from_db()
    assert closed_form_wave.state(now) == "open" and closed_form_wave.reopened_at == now
    report = issue_responses_import(wave=closed_form_wave, team=Team.objects.get(slug="checkout"), issues=issues())
    assert report.created == ["late"]


def test_only_a_closed_wave_is_reopened_and_only_into_the_future(closed_form_wave, wave):
    now = timezone.now()
    with pytest.raises(WaveStateRefused, match="has not closed") as refused:
        wave_reopen(wave=wave, now=now, closes_at=now + timedelta(days=1))
    assert refused.value.code == "wave_not_closed"
    with pytest.raises(WaveStateRefused, match="in the future"):
        wave_reopen(wave=closed_form_wave, now=now, closes_at=now - timedelta(minutes=1))
    closed_form_wave.refresh_from_db()
    assert closed_form_wave.reopened_at is None and closed_form_wave.state(now) == "closed"


def test_admins_reopen_through_the_api_with_a_clear_refusal_otherwise(closed_form_wave, django_user_model):
    admin = django_user_model.objects.create_user(username="boss", password="pw-for-tests-only")
    Membership.objects.create(user=admin, organization=closed_form_wave.organization, role=Membership.Role.ADMIN)
    client = APIClient()
    client.force_authenticate(admin)
    url = f"/api/v1/orgs/{closed_form_wave.organization.slug}/waves/{closed_form_wave.pk}/reopen/"
    assert client.post(url, {"closes_at": "tomorrow"}, format="json").status_code == 400
    assert client.post(url, {}, format="json").status_code == 400
    later = (timezone.now() + timedelta(days=3)).isoformat()
    reopened = client.post(url, {"closes_at": later}, format="json")
    assert reopened.status_code == 200 and reopened.json()["state"] == "open"
    again = client.post(url, {"closes_at": later}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "wave_not_closed"
