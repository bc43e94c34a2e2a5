"""Answering through the API with an invitation token: the same rules as the web form."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from surveys.models import Response
from surveys.selectors import answer_values
from tests.api.conftest import ABOUT, answers_for, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(world):
    return f"/api/v1/responses/{world.invitations['a'].token()}/"


@pytest.fixture
def mine(world):
    return Response.objects.filter(invitation=world.invitations["a"])


@pytest.fixture
def client(world):
    return world.client("anonymous")


def test_it_shows_a_new_survey_with_the_questions_for_the_role(client, path):
    form = client.get(path).json()
    assert (form["status"], form["version"], form["answers"], form["role"]) == ("not_started", 0, {}, "app_developer")
    keys = [question["key"] for question in form["questions"]]
    assert "investment.funding" in keys and "cap.data.need" in keys
    assert "cap.data.delivery" not in keys and "perception.investment" not in keys
    assert form["team"] == {"name": "Team A", "kind": "application"}


def test_it_saves_a_draft_and_moves_the_version_on(client, path):
    saved = client.put(path, {"version": 0, "answers": {"investment.funding": "volunteers"}}, format="json").json()
    assert (saved["status"], saved["version"], saved["changed"], saved["answered"]) == ("draft", 1, True, 1)
    form = client.get(path).json()
    assert form["answers"] == {"investment.funding": "volunteers"} and form["version"] == 1


def test_a_save_from_an_older_version_is_a_409_and_overwrites_nothing(client, path, mine):
    client.put(path, {"version": 0, "answers": {"coop.pains": "First tab"}}, format="json")
    response = client.put(path, {"version": 0, "answers": {"coop.pains": "Stale tab"}}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"
    assert response.json()["error"]["details"] == {"current_version": 1}
    assert answer_values(mine.get()) == {"coop.pains": "First tab"}


def test_invalid_answers_are_a_400_naming_each_question_and_nothing_is_saved(client, path, mine):
    response = client.put(path, {"version": 0, "answers": {"investment.funding": "lots", "coop.pains": "ok"}}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_answers" and "investment.funding" in error["details"]
    assert not mine.exists()


def test_a_question_not_in_the_survey_is_refused(client, path):
    response = client.put(path, {"version": 0, "answers": {"no.such.question": "x"}}, format="json")
    assert response.status_code == 400
    assert "not part of this survey" in response.json()["error"]["message"]


def test_submitting_with_required_answers_missing_keeps_a_draft_and_lists_them(client, path, mine):
    result = client.post(path + "submit/", {"version": 0, "answers": {"investment.funding": "volunteers"}}, format="json").json()
    assert result["status"] == "draft" and not result["submitted_now"]
    assert set(result["missing"]) == set(ABOUT)
    assert mine.get().version == 1


def test_submitting_twice_is_harmless(world, client, path, django_capture_on_commit_callbacks):
    answers = answers_for(world.instrument.spec(), "app_developer", level=2)
    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(path + "submit/", {"version": 0, "answers": answers}, format="json").json()
    again = client.post(path + "submit/", {"version": 0, "answers": answers}, format="json").json()
    assert first["submitted_now"] and first["status"] == "submitted"
    assert not again["submitted_now"] and again["version"] == first["version"]
    assert Response.objects.filter(invitation=world.invitations["a"]).count() == 1
    assert len(callbacks) == 1, "one rescore of team A is requested after commit"


def test_a_closed_wave_refuses_changes_with_a_409(world, client):
    invitation = invite(world.closed_wave, world.team_b, "app_developer")
    response = client.put(f"/api/v1/responses/{invitation.token()}/", {"version": 0, "answers": ABOUT}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "wave_not_open"
    with time_machine.travel(world.closed_wave.closes_at + timedelta(days=1)):
        assert client.get(f"/api/v1/responses/{invitation.token()}/").json()["wave"]["state"] == "closed"


def test_reading_ends_with_a_410_a_grace_period_after_the_wave_closes(world, client):
    wave = world.closed_wave
    invitation = invite(wave, world.team_b, "app_developer")
    with time_machine.travel(wave.closes_at - timedelta(hours=2)):
        client.put(f"/api/v1/responses/{invitation.token()}/", {"version": 0, "answers": ABOUT}, format="json")
    path = f"/api/v1/responses/{invitation.token()}/"
    with time_machine.travel(wave.closes_at + timedelta(days=29)):
        assert client.get(path).json()["answers"] == ABOUT
    with time_machine.travel(wave.closes_at + timedelta(days=30, seconds=1)):
        gone = client.get(path)
        save = client.put(path, {"version": 1, "answers": {"coop.pains": "late"}}, format="json")
    assert gone.status_code == 410
    assert gone.json() == {
        "error": {
            "code": "link_expired",
            "message": f"This survey closed on {wave.closes_at:%d %B %Y}; answers are no longer shown through this link. "
            "If you need them, ask whoever sent you the invitation (the survey's admins at Acme).",
            "details": None,
        }
    }
    assert "size_6_10" not in gone.content.decode()
    assert save.status_code == 409 and save.json()["error"]["code"] == "wave_not_open"
    assert answer_values(Response.objects.get(invitation=invitation)) == ABOUT


def test_a_revoked_or_unknown_token_is_a_404(world, client, path):
    world.invitations["a"].revoke(timezone.now())
    assert client.get(path).status_code == 404
    assert client.get("/api/v1/responses/short/").status_code == 404


def test_a_body_over_the_autosave_limit_is_a_413(settings, client, path, mine):
    settings.SURVEYS_MAX_AUTOSAVE_BYTES = 1024
    response = client.put(path, {"version": 0, "answers": {"coop.pains": "x" * 2000}}, format="json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not mine.exists()


def test_a_logged_in_respondent_is_linked_in_a_named_wave(world, path, mine):
    world.client("member_a").put(path, {"version": 0, "answers": ABOUT}, format="json")
    assert mine.get().respondent == world.users["member_a"]
    assert world.wave.closes_at > timezone.now() + timedelta(days=1)
