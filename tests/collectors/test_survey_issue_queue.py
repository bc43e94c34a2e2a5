"""Survey issues count only from the team's members; everyone else's wait for an admin; one response per author."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse

from assessor.models import Membership
from collectors.issueforms import SurveyQueueError, author_source_id, survey_issue_accept, survey_issue_reject
from collectors.models import CollectionRun, SurveyIssue
from collectors.services import repository_collect
from surveys.models import Instrument, Response
from surveys.services.responses import stored_answers
from tests.surveys.conftest import make_wave
from tests.surveys.test_issue_import import SHIPPED

pytestmark = pytest.mark.django_db


def body(requirements: str) -> str:
    return (
        f"### Service requirements\n\n{requirements}\n\n### Service implementation\n\nCrossplane claims.\n\n"
        "### Pains\n\n_No response_\n\n### Organization size\n\n501-2000"
    )


def issue(number: int, login: str, association: str, *, day: int, requirements: str = "PostgreSQL", state: str = "open"):
    return {
        "number": number,
        "title": f"[infrastructure] answer {number}",
        "user": {"login": login},
        "author_association": association,
        "state": state,
        "labels": [{"name": "survey"}],
        "created_at": f"2026-11-{day:02d}T09:00:00Z",
        "closed_at": f"2026-11-{day + 1:02d}T09:00:00Z" if state == "closed" else None,
        "html_url": f"https://github.com/northwind/platform-config/issues/{number}",
        "body": body(requirements),
    }


@pytest.fixture
def wave(github_repo):
    call_command("import_issue_form", str(SHIPPED), stdout=StringIO())
    return make_wave(github_repo.team.organization, Instrument.objects.get(source="issue_form"), name="Autumn")


@pytest.fixture
def issues(github_repo, fake_github) -> list[dict[str, Any]]:
    Membership.objects.filter(team=github_repo.team, user__username="priya").update(github_login="Priya-GH")
    others = [item for item in fake_github.issues if "survey" not in {label["name"] for label in item.get("labels", [])}]
    fake_github.issues = [
        *others,
        issue(62, "priya-gh", "NONE", day=2, requirements="From the older issue"),  # a member by her login
        issue(63, "mallory", "NONE", day=3),  # a stranger on a public repository
        issue(64, "carol", "COLLABORATOR", day=4),  # GitHub says she works on the repository
        issue(65, "priya-gh", "NONE", day=5, requirements="From the newer issue"),
        issue(66, "eve", "CONTRIBUTOR", day=6, state="closed"),  # a closed issue of a non-member
    ]
    return [item for item in fake_github.issues if item not in others]


def collect(github_repo) -> CollectionRun:
    (run,) = repository_collect(repository=github_repo)
    return run


def responses(wave) -> dict[str, Response]:
    return {r.external_author: r for r in Response.objects.filter(wave=wave)}


def test_a_members_issues_are_imported_and_a_strangers_queued(github_repo, wave, issues):
    run = collect(github_repo)
    assert set(responses(wave)) == {"priya-gh", "carol"}
    queued = SurveyIssue.objects.order_by("number")
    assert [(q.number, q.author, q.association, q.status) for q in queued] == [
        (63, "mallory", "NONE", "pending"),
        (66, "eve", "CONTRIBUTOR", "pending"),
    ]
    assert queued[0].body == body("PostgreSQL") and queued[0].url.endswith("/issues/63") and queued[0].received_at
    (note,) = run.notes
    assert "2 created" in note
    assert "2 held back for an admin to review (the author is not a known member of the team): #63, #66." in note


def test_two_issues_by_one_author_give_one_response_from_the_newest(github_repo, wave, issues, fake_github):
    run = collect(github_repo)
    assert "1 older issues replaced by a newer one of the same author" in run.notes[0]
    priya = Response.objects.get(wave=wave, external_author="priya-gh")
    assert priya.external_id == author_source_id("priya-gh") and "priya" not in priya.external_id
    assert "From the newer issue" in str(stored_answers(priya))

    fake_github.issues = [*fake_github.issues, issue(67, "PRIYA-GH", "NONE", day=7, requirements="From the newest issue")]
    fake_github.set_head("2" * 40)
    again = collect(github_repo)
    assert "0 created, 1 updated" in again.notes[0]
    assert Response.objects.filter(wave=wave, team=github_repo.team).count() == 2
    assert "From the newest issue" in str(stored_answers(Response.objects.get(pk=priya.pk)))


def test_an_accepted_issue_becomes_a_response_and_stays_one(github_repo, wave, issues, fake_github, admin_user):
    collect(github_repo)
    item = SurveyIssue.objects.get(number=63)
    message = survey_issue_accept(item=item, user=admin_user)
    assert "accepted and imported into Autumn: 1 created" in message
    item.refresh_from_db()
    assert (item.status, item.decided_by, item.decided_at is not None) == ("accepted", admin_user, True)
    assert Response.objects.get(wave=wave, external_author="mallory").status == Response.Status.SUBMITTED

    fake_github.issues = [*fake_github.issues, issue(68, "dave", "NONE", day=8)]
    fake_github.set_head("3" * 40)
    later = collect(github_repo)
    assert "2 held back" in later.notes[0] and "#66, #68" in later.notes[0] and "3 unchanged" in later.notes[0]
    assert Response.objects.filter(wave=wave, external_author="mallory").count() == 1


def test_a_rejected_issue_stays_out(github_repo, wave, issues, fake_github, admin_user):
    collect(github_repo)
    item = SurveyIssue.objects.get(number=66)
    assert survey_issue_reject(item=item, user=admin_user) == f"{item} rejected."
    fake_github.issues = [*fake_github.issues[:-1], {**issues[-1], "body": body("Edited after the rejection")}]
    fake_github.set_head("4" * 40)
    run = collect(github_repo)
    assert "1 left out as rejected by an admin: #66" in run.notes[0]
    assert "eve" not in responses(wave)
    assert SurveyIssue.objects.get(number=66).status == "rejected"
    survey_issue_accept(item=SurveyIssue.objects.get(number=63), user=admin_user)
    with pytest.raises(SurveyQueueError, match="was accepted and imported already"):
        survey_issue_reject(item=SurveyIssue.objects.get(number=63), user=admin_user)
    assert "mallory" in responses(wave)


def test_accepting_without_an_open_wave_changes_nothing(github_repo, issues, admin_user):
    run = collect(github_repo)
    assert run.notes == [
        "3 survey issues not imported: the organization has no open survey wave. "
        "2 held back for an admin to review (the author is not a known member of the team): #63, #66."
    ]
    item = SurveyIssue.objects.get(number=63)
    with pytest.raises(SurveyQueueError, match="no open survey wave"):
        survey_issue_accept(item=item, user=admin_user)
    assert SurveyIssue.objects.get(number=63).status == "pending"


def test_admins_accept_and_reject_from_the_admin_and_see_the_count_on_the_collect_page(github_repo, wave, issues, admin_client):
    collect(github_repo)
    page = admin_client.get(reverse("collectors:collect")).content.decode()
    assert "2 survey issues</strong>" in page and reverse("admin:collectors_surveyissue_changelist") in page
    queue = reverse("admin:collectors_surveyissue_changelist")
    mallory, eve = SurveyIssue.objects.get(number=63), SurveyIssue.objects.get(number=66)
    answer = admin_client.post(queue, {"action": "accept", "_selected_action": [mallory.pk]}, follow=True)
    assert answer.status_code == 200 and "accepted and imported" in answer.content.decode()
    admin_client.post(queue, {"action": "reject", "_selected_action": [eve.pk]})
    assert set(responses(wave)) == {"priya-gh", "carol", "mallory"}
    assert SurveyIssue.objects.get(pk=eve.pk).status == "rejected"
    assert "survey-queue" not in admin_client.get(reverse("collectors:collect")).content.decode()


def test_staff_without_an_admin_role_see_no_queued_issue(github_repo, issues, client):
    collect(github_repo)
    staff = User.objects.create_user("staff", password="x", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_surveyissue", "change_surveyissue"]))
    client.force_login(staff)
    response = client.get(reverse("admin:collectors_surveyissue_changelist"))
    # staff who administer no organization reach nothing in the admin (see assessor/admin_scope.py)
    assert response.status_code == 403 and "mallory" not in response.content.decode()
