"""Answers imported from the working group's issue form, and admins' decisions on their tags, reach the gaps
page and the practices report, each text naming the issue it came from (but not in an anonymous wave)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assessor.models import Membership, Team
from reports.freetext import free_text_tag, free_text_tag_add
from reports.models import FreeTextTag
from surveys.issueforms import IssueForm
from surveys.models import Instrument
from surveys.services import issue_responses_import
from tests.surveys.conftest import make_wave
from tests.surveys.test_issue_import import SHIPPED

pytestmark = pytest.mark.django_db

ISSUE = "github:example/tag-app-delivery#42"
BODY = (
    "### Service requirements\n\nA PostgreSQL database per service.\n\n"
    "### Service implementation\n\nArgo CD reconciles our namespaces; databases come from a ticket.\n\n"
    "### Pains\n\nA new database takes three weeks of tickets.\n"
)


@pytest.fixture
def imported(demo_org, monkeypatch):
    monkeypatch.setattr("assessor.rescore.request_rescore", lambda **kwargs: None)  # scores are not the point here
    call_command("import_issue_form", str(SHIPPED), stdout=StringIO())
    instrument = Instrument.objects.get(key="infrastructure-for-apps-use-case")

    def into(*, anonymous: bool = False):
        wave = make_wave(demo_org, instrument, name="Anonymous" if anonymous else "Issue forms", anonymous=anonymous)
        team = Team.objects.get(organization=demo_org, slug="checkout")
        report = issue_responses_import(wave=wave, team=team, issues=[IssueForm(source_id=ISSUE, body=BODY, issue_id=ISSUE)])
        assert report.created == [ISSUE]
        admin = get_user_model().objects.create_user("ada", "ada@example.com")
        Membership.objects.create(user=admin, organization=demo_org, role=Membership.Role.ADMIN)
        client = Client()
        client.force_login(admin)
        return wave, client, admin

    return into


def team_row(client, wave, practice_name):
    csv = client.get(f"/dashboard/practices/?wave={wave.pk}&download=teams").content.decode()
    return [line for line in csv.splitlines() if line.startswith(f"Checkout,{practice_name},")]


def test_an_imported_pain_is_on_the_gaps_page_with_the_issue_it_came_from(imported):
    wave, client, _ = imported()
    page = client.get(f"/dashboard/gaps/?wave={wave.pk}").content.decode()
    assert "A new database takes three weeks of tickets." in page
    assert "issue example/tag-app-delivery#42" in page
    csv = client.get(f"/dashboard/gaps/?wave={wave.pk}&download=pains").content.decode()
    rows = [line for line in csv.splitlines() if "three weeks" in line]
    assert rows and all(line.endswith(",issue example/tag-app-delivery#42") for line in rows)


def test_the_practices_report_reads_how_the_issue_says_services_are_set_up(imported):
    wave, client, _ = imported()
    (row,) = team_row(client, wave, "GitOps")
    assert "directly" in row
    assert "free text: service implementation (issue example/tag-app-delivery#42): \u201cArgo CD\u201d" in row


def test_a_rejected_tag_stops_counting_and_an_added_one_counts_marked_as_free_text(imported):
    wave, client, admin = imported()
    now = timezone.now()
    free_text_tag(wave=wave, now=now)
    argo = FreeTextTag.objects.get(phrase="Argo CD")
    argo.decide(status=FreeTextTag.Status.REJECTED, user=admin, now=now)
    assert team_row(client, wave, "GitOps") == []
    assert team_row(client, wave, "Self-service platform") == []
    free_text_tag_add(answer_id=argo.answer_id, choice="mechanism:self_service", user=admin, now=now)
    (row,) = team_row(client, wave, "Self-service platform")
    assert "(issue example/tag-app-delivery#42): \u201cself_service\u201d (tag confirmed by an admin)" in row

    # the pain moves to the capability an admin adds, on the gaps page
    pain = FreeTextTag.objects.filter(kind="capability", value="data", answer__question__key="pains").first()
    pain.decide(status=FreeTextTag.Status.REJECTED, user=admin, now=now)
    free_text_tag_add(answer_id=pain.answer_id, choice="capability:infrastructure", user=admin, now=now)
    csv = client.get(f"/dashboard/gaps/?wave={wave.pk}&download=pains").content.decode()
    (line,) = [line for line in csv.splitlines() if "three weeks" in line]
    assert line.startswith("Infrastructure")


def test_an_anonymous_wave_names_no_issue(imported):
    wave, client, _ = imported(anonymous=True)
    wave.min_responses = 1
    wave.save(update_fields=["min_responses"])
    page = client.get(f"/dashboard/gaps/?wave={wave.pk}").content.decode()
    assert "A new database takes three weeks of tickets." in page
    assert "#42" not in page and "issue form" in page
    csv = client.get(f"/dashboard/practices/?wave={wave.pk}&download=teams").content.decode()
    assert "#42" not in csv and "(issue form)" in csv
