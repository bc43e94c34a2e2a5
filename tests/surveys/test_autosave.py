"""The JSON endpoint the form's script saves through."""

import json
from datetime import timedelta

import pytest
import time_machine

from surveys.models import Response
from surveys.selectors import answer_values

pytestmark = pytest.mark.django_db


def save(client, invitation, body, *, raw=False):
    data = body if raw else json.dumps(body)
    return client.post(f"/s/{invitation.token()}/save/", data=data, content_type="application/json")


def test_a_save_returns_the_new_version_and_progress(client, invite):
    invitation = invite()
    reply = save(client, invitation, {"version": 0, "step": "investment", "answers": {"investment.funding": "volunteers"}})
    assert reply.status_code == 200
    data = reply.json()
    assert data["ok"] and data["version"] == 1 and data["status"] == "draft"
    assert data["answered"] == 1 and data["total"] == 47
    assert Response.objects.get().last_step == "investment"


def test_a_stale_version_is_a_409_with_a_clear_message(client, invite):
    invitation = invite()
    save(client, invitation, {"version": 0, "answers": {"coop.pains": "First"}})
    reply = save(client, invitation, {"version": 0, "answers": {"coop.pains": "Stale"}})
    assert reply.status_code == 409
    assert reply.json() == {
        "error": {
            "code": "stale_version",
            "message": "This survey was changed in another tab or window; reload to see the latest answers.",
            "details": {"current_version": 1},
        }
    }
    assert answer_values(Response.objects.get()) == {"coop.pains": "First"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        ("[1, 2]", "Send a JSON object"),
        ('{"answers": {}}', "'version'"),
        ('{"version": true, "answers": {}}', "'version'"),
        ('{"version": -1, "answers": {}}', "'version'"),
        ('{"version": 0, "answers": []}', "'answers'"),
        ('{"version": 0, "answers": {"no.such.question": "x"}}', "Unknown question"),
        ('{"version": 0, "answers": {"investment.funding": {"a": 1}}}', "Some answers were not saved"),
        ("[" * 150_000 + "]" * 150_000, "too large"),
        ("[" * 50_000 + "]" * 50_000, "not valid JSON"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client, invite, body, message):
    invitation = invite()
    reply = save(client, invitation, body, raw=True)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert message in error["message"] and error["code"] in ("invalid", "invalid_json", "invalid_answers", "payload_too_large")
    assert not Response.objects.exists()


def test_a_huge_text_answer_is_refused(client, invite):
    invitation = invite()
    reply = save(client, invitation, {"version": 0, "answers": {"coop.pains": "x" * 20_000}})
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "invalid_answers" and "10000 characters or fewer" in error["details"]["coop.pains"]


def test_an_unknown_link_is_a_404_in_json(client):
    reply = client.post("/s/" + "B" * 43 + "/save/", data="{}", content_type="application/json")
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"
    assert "not valid" in reply.json()["error"]["message"]


def test_only_post_is_accepted(client, invite):
    reply = client.get(f"/s/{invite().token()}/save/")
    assert reply.status_code == 405 and reply["Allow"] == "POST" and reply.json()["error"]["code"] == "method_not_allowed"


def test_a_closed_wave_refuses_saves_with_409_like_the_api(client, invite, wave):
    invitation = invite()
    save(client, invitation, {"version": 0, "answers": {"coop.pains": "Before"}})
    with time_machine.travel(wave.closes_at + timedelta(minutes=1)):
        reply = save(client, invitation, {"version": 1, "answers": {"coop.pains": "After"}})
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "wave_not_open"
    assert "closed on" in reply.json()["error"]["message"]
    assert answer_values(Response.objects.get()) == {"coop.pains": "Before"}


def test_the_endpoint_needs_the_csrf_token(invite):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    reply = strict.post(
        f"/s/{invite().token()}/save/", data=json.dumps({"version": 0, "answers": {}}), content_type="application/json"
    )
    assert reply.status_code == 403


def test_the_form_and_the_api_refuse_a_closed_wave_with_the_same_body(client, invite, wave):
    invitation = invite()
    save(client, invitation, {"version": 0, "answers": {"coop.pains": "Before"}})
    body = {"version": 1, "answers": {"coop.pains": "After"}}
    with time_machine.travel(wave.closes_at + timedelta(minutes=1)):
        form = save(client, invitation, body)
        api = client.put(f"/api/v1/responses/{invitation.token()}/", json.dumps(body), content_type="application/json")
    assert form.status_code == api.status_code == 409
    assert form.json() == api.json()
