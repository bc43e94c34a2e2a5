"""POST /api/v1/evidence/: CI pipelines push signals for their repository with a per-repository token."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessor.models import Repository
from collectors.models import CIToken, CollectionRun, Signal
from collectors.models.tokens import token_digest
from collectors.pushed import ci_token_issue

pytestmark = pytest.mark.django_db
URL = "/api/v1/evidence/"
BODY = {
    "schema": "ci-evidence/1",
    "repository": "acme/checkout",
    "pipeline": {"name": "deploy", "run_url": "https://ci.acme.example/runs/1", "commit": "3f2a9c1", "ref": "main"},
    "signals": [
        {"key": "ci.deploys_per_week", "value": 12},
        {"key": "ci.lead_time_hours", "value": 20.5, "detail": {"changes": 42}, "observed_at": "2026-11-01T10:00:00Z"},
        {"key": "ci.standard_pipeline", "value": True},
    ],
}


@pytest.fixture
def repository(app_team):
    return Repository.objects.create(team=app_team, name="checkout", github_full_name="acme/checkout")


@pytest.fixture
def token(repository):
    return ci_token_issue(repository=repository, label="deploy")


def post(client, body, token=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers, **extra)


def test_the_command_prints_a_token_once_and_stores_only_its_hash(repository):
    out = StringIO()
    call_command("issue_ci_token", "--repository", str(repository.pk), "--label", "deploy", stdout=out, stderr=StringIO())
    token = out.getvalue().strip()
    stored = CIToken.objects.get()
    assert token.startswith("ce_") and len(token) > 40
    assert stored.token_hash == token_digest(token) and token not in stored.token_hash


def test_it_stores_pushed_signals_and_answers_201(client, token, repository, app_team):
    response = post(client, BODY, token)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert [s["key"] for s in answer["signals"]] == ["ci.deploys_per_week", "ci.lead_time_hours", "ci.standard_pipeline"]
    assert answer["signals"][1]["observed_at"].startswith("2026-11-01T10:00:00")
    run = CollectionRun.objects.get(pk=answer["run"])
    assert (run.collector, run.trigger, run.status, run.complete) == ("ci", "push", "ok", False)
    assert run.source_url == "https://ci.acme.example/runs/1"
    signal = Signal.objects.get(key="ci.lead_time_hours")
    assert signal.team == app_team and signal.detail == {
        "changes": 42,
        "pipeline": {"name": "deploy", "commit": "3f2a9c1", "ref": "main"},
    }
    assert set(app_team.evidence.values_list("rule_key", flat=True)) >= {
        "measurement-pipeline-reports-delivery",
        "adoption-shared-pipeline",
    }
    assert CIToken.objects.get().last_used_at is not None


def test_a_later_push_keeps_earlier_pushed_keys_current(client, token):
    post(client, BODY, token)
    post(client, {"signals": [{"key": "ci.deploys_per_week", "value": 15}]}, token)
    current = {s.key: s.value for s in Signal.objects.current()}
    assert current == {"ci.deploys_per_week": 15, "ci.lead_time_hours": 20.5, "ci.standard_pipeline": True}


@pytest.mark.parametrize("authorization", [None, "Bearer ", "Basic abc", "Bearer ce_not-a-real-token"])
def test_it_refuses_missing_or_unknown_tokens(client, token, authorization):
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.post(URL, data=json.dumps(BODY), content_type="application/json", **extra)
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert not Signal.objects.exists()


def test_it_refuses_a_revoked_token(client, token):
    CIToken.objects.update(revoked_at=timezone.now())
    assert post(client, BODY, token).status_code == 401


def test_it_refuses_a_push_for_another_repository(client, token):
    response = post(client, {**BODY, "repository": "acme/billing"}, token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_repository"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"signals": []}, "/signals"),
        ({"signals": [{"key": "files.gitops", "value": 1}]}, "/signals/0/key"),
        ({"signals": [{"key": "ci.x", "value": {"nested": 1}}]}, "/signals/0/value"),
        ({"signals": [{"key": "ci.x", "value": 1, "extra": True}]}, "/signals/0"),
        ({"signals": [{"key": "ci.x", "value": 1}], "pipeline": {"run_url": "javascript:alert(1)"}}, "/pipeline/run_url"),
        ({"schema": "ci-evidence/9", "signals": [{"key": "ci.x", "value": 1}]}, "/schema"),
    ],
)
def test_it_explains_schema_errors(client, token, body, path):
    response = post(client, body, token)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_body"
    assert path in [detail["path"] for detail in error["details"]]


def test_it_refuses_bad_dates_and_dates_in_the_future(client, token):
    for when in ("yesterday", "2999-01-01T00:00:00Z", "2026-01-01T00:00:00"):
        response = post(client, {"signals": [{"key": "ci.x", "value": 1, "observed_at": when}]}, token)
        assert response.status_code == 400, when
        assert "observed_at" in response.json()["error"]["message"]


def test_it_refuses_json_it_cannot_read(client, token):
    assert post(client, "{not json", token).json()["error"]["code"] == "invalid_json"
    assert post(client, "[" * 50_000 + "]" * 50_000, token).status_code == 400


def test_it_refuses_oversized_bodies_with_413(client, token, settings):
    settings.COLLECTORS_CI_MAX_BODY_BYTES = 100
    response = post(client, BODY, token)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_it_only_accepts_post(client):
    response = client.get(URL)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
