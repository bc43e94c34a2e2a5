"""Random and hostile requests to the write endpoints the web form's fuzz tests do not reach: the API's
PUT /api/v1/responses/<token>/ and POST .../submit/, the CI evidence push POST /api/v1/evidence/ and the
cluster dump upload. Each must answer with a 2xx/3xx or a 4xx with its reason, never a 5xx, a rejected
request must leave every stored response, answer, run and signal as it was, and no request leaves a run
running. Pushes and dumps also carry what cannot be stored (NaN, Infinity, 1e400, lone surrogates, NUL),
extreme dates and deep nesting; those are always refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from datetime import timezone as tz
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from assessor.models import Cluster, Repository, Team
from collectors.models import CIToken, CollectionRun, Signal
from collectors.pushed import ci_token_issue
from surveys import conf
from surveys.instruments import read_instrument_file
from tests.reliability.conftest import (
    EXAMPLES,
    FUZZ,
    OVERFLOW,
    SERVER_ERRORS,
    STATUSES,
    holds_unstorable,
    survey_snapshot,
    with_overflow,
)

pytestmark = pytest.mark.django_db

SPEC = read_instrument_file(conf.default_instrument_file())
KEYS = [question.key for question in SPEC.questions()]
OPTIONS = sorted({option.value for question in SPEC.questions() for option in question.choices()})

json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(OPTIONS)
    | st.sampled_from(["", " ", "\x00", "1e999", "-1", "5", "na", "\u202e", "x" * 5000])
)
json_values = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=10
)
answer_maps = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=20), json_values, max_size=8)
# "current" is replaced with the response's current version, so generated bodies get past the stale-version check.
versions = st.sampled_from(["current", "current", 0, -1, 2**63, "1", None, 1.5, True, []])
# Mostly valid answers (a real option for a real question), so that many saves and submits are accepted.
VALID_PAIRS = [
    (question.key, option.value)
    for question in SPEC.questions()
    for option in question.choices()
    if question.shown_to("app_developer")
] + [(question.key, "Some text") for question in SPEC.questions() if not question.choices()]
valid_answers = st.lists(st.sampled_from(VALID_PAIRS), max_size=8).map(dict)
survey_bodies = st.one_of(
    st.fixed_dictionaries({"version": st.just("current"), "answers": valid_answers}),
    st.fixed_dictionaries({"version": versions, "answers": answer_maps}, optional={"step": json_values}),
    st.fixed_dictionaries({"version": versions}, optional={"answers": json_values, "extra": json_values}),
    json_values,
)
raw_bodies = st.binary(max_size=400) | st.text(max_size=400).map(str.encode)
content_types = st.sampled_from(["application/json", "application/json", "text/plain", "application/x-www-form-urlencoded"])


def _current_version(invitation: Any) -> int:
    from surveys.models import Response

    response = Response.objects.filter(invitation=invitation).first()
    return response.version if response else 0


def _fill(body: Any, invitation: Any) -> Any:
    if isinstance(body, dict) and body.get("version") == "current":
        return {**body, "version": _current_version(invitation)}
    return body


def _check_reply(reply: Any, target: str, allowed: set[int]) -> None:
    STATUSES[f"{target} {reply.status_code}"] += 1
    if reply.status_code >= 500:
        SERVER_ERRORS[target] += 1
    assert reply.status_code in allowed, (reply.status_code, reply.content[:500])
    if reply.status_code >= 400:
        error = reply.json().get("error")
        assert error and error.get("message"), reply.content[:500]


@pytest.fixture
def invitation(invite, rescores):
    return invite()


SURVEY_ALLOWED = {200, 400, 404, 405, 409, 413, 415}


@FUZZ
@given(body=survey_bodies, submit=st.booleans())
def test_api_answering_never_fails_and_a_rejected_request_changes_nothing(client, invitation, body, submit):
    EXAMPLES["PUT/submit /api/v1/responses/<token>/ (JSON)"] += 1
    path = f"/api/v1/responses/{invitation.token()}/" + ("submit/" if submit else "")
    before = survey_snapshot()
    data = json.dumps(_fill(body, invitation))
    reply = client.post(path, data, content_type="application/json") if submit else client.put(path, data, "application/json")
    _check_reply(reply, "api-responses", SURVEY_ALLOWED)
    if reply.status_code != 200:
        assert survey_snapshot() == before


@FUZZ
@given(raw=raw_bodies, content_type=content_types, submit=st.booleans())
def test_api_answering_survives_arbitrary_bytes(client, invitation, raw, content_type, submit):
    EXAMPLES["PUT/submit /api/v1/responses/<token>/ (bytes)"] += 1
    path = f"/api/v1/responses/{invitation.token()}/" + ("submit/" if submit else "")
    before = survey_snapshot()
    reply = client.post(path, raw, content_type=content_type) if submit else client.put(path, raw, content_type)
    _check_reply(reply, "api-responses", SURVEY_ALLOWED)
    if reply.status_code != 200:
        assert survey_snapshot() == before


@FUZZ
@given(token=st.text(min_size=1, max_size=120), body=survey_bodies)
def test_api_answering_with_a_forged_token_is_a_404_and_writes_nothing(client, invitation, token, body):
    EXAMPLES["PUT /api/v1/responses/<forged token>/"] += 1
    before = survey_snapshot()
    reply = client.put(f"/api/v1/responses/{quote(token, safe='')}/", json.dumps(body), "application/json")
    STATUSES[f"api-responses-forged {reply.status_code}"] += 1
    if reply.status_code >= 500:
        SERVER_ERRORS["api-responses"] += 1
    assert reply.status_code in {400, 404, 413}, (reply.status_code, reply.content[:300])
    assert survey_snapshot() == before


# --- CI evidence push --------------------------------------------------------------------------------------

PUSH_ALLOWED = {201, 400, 401, 403, 413, 415, 422}
surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)  # two may pair up into a real character
# What JSON text can carry but no store can hold: json.dumps writes NaN/Infinity for these floats, OVERFLOW becomes 1e400.
unstorable_leaf = st.one_of(
    st.sampled_from([float("nan"), float("inf"), float("-inf"), OVERFLOW, "a\x00b"]),
    st.tuples(st.text(max_size=5), surrogates, st.text(max_size=5)).map("".join),
)


def deep(depth: int, leaf: Any) -> Any:
    """`leaf` inside `depth` levels of alternating lists and objects."""
    for level in range(depth):
        leaf = [leaf] if level % 2 else {"d": leaf}
    return leaf


hostile_values = st.one_of(
    st.recursive(
        json_leaf | unstorable_leaf,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8) | surrogates, inner, max_size=4),
        max_leaves=10,
    ),
    st.builds(deep, st.integers(1, 90), json_leaf | unstorable_leaf),  # around the 64 levels a body may nest
)
_OFFSETS = st.integers(-1439, 1439).map(lambda minutes: tz(timedelta(minutes=minutes)))
extreme_dates = st.one_of(
    st.sampled_from(
        [
            "0001-01-01T00:00:00Z",
            "0001-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00+00:01",
            "1970-01-01T00:00:00Z",
            "2100-12-31T23:59:59Z",
            "2101-01-01T00:00:00Z",
        ]
    ),
    st.builds(lambda when, offset: when.replace(tzinfo=offset).isoformat(), st.datetimes(), _OFFSETS),
)
signal_items = st.one_of(
    st.fixed_dictionaries(
        {"key": st.sampled_from(["ci.deploys_per_week", "ci.lead_time_hours", "ci.standard_pipeline"]) | st.text(max_size=80)},
        optional={
            "value": hostile_values,
            "detail": hostile_values,
            "observed_at": st.sampled_from(["2026-11-01T10:00:00Z", "yesterday", "9999-99-99", "", "2026-02-30T00:00:00"])
            | extreme_dates
            | st.text(max_size=30)
            | st.integers(),
            "path": hostile_values,
            "unknown": json_values,
        },
    ),
    json_values,
)
# Close to the schema (collectors/data/ci-evidence.schema.json), so that many pushes are accepted and stored.
near_valid_signals = st.fixed_dictionaries(
    {
        "key": st.sampled_from(["ci.deploys_per_week", "ci.lead_time_hours", "ci.standard_pipeline", "ci.x"]),
        "value": st.integers(-5, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | st.booleans() | st.text(max_size=20),
    },
    optional={"observed_at": st.sampled_from(["2026-11-01T10:00:00Z", "2026-11-01", "not a date"])},
)
# Valid but for one hostile part: a value, something in detail, a date, a path or the pipeline's name.
hostile_signals = st.fixed_dictionaries(
    {
        "key": st.sampled_from(["ci.deploys_per_week", "ci.lead_time_hours", "ci.x"]),
        "value": st.integers(0, 100) | unstorable_leaf,
    },
    optional={
        "detail": st.dictionaries(st.text(max_size=8) | surrogates, hostile_values, max_size=3),
        "observed_at": extreme_dates,
        "path": st.text(max_size=10) | unstorable_leaf,
    },
)
push_bodies = st.one_of(
    st.fixed_dictionaries(
        {"schema": st.just("ci-evidence/1"), "signals": st.lists(near_valid_signals, min_size=1, max_size=4)},
        optional={"repository": st.sampled_from(["acme/checkout", "checkout", "other/repo"])},
    ),
    st.fixed_dictionaries(
        {"schema": st.just("ci-evidence/1"), "signals": st.lists(near_valid_signals | hostile_signals, min_size=1, max_size=4)},
        optional={"pipeline": st.fixed_dictionaries({}, optional={"name": st.text(max_size=10) | unstorable_leaf})},
    ),
    st.fixed_dictionaries(
        {"signals": st.lists(signal_items, max_size=5) | json_values},
        optional={
            "schema": st.sampled_from(["ci-evidence/1", "ci-evidence/2", ""]) | json_values,
            "repository": st.sampled_from(["acme/checkout", "checkout", "other/repo"]) | json_values,
            "pipeline": st.fixed_dictionaries({}, optional={"name": json_values, "run_url": json_values, "commit": json_values})
            | json_values,
        },
    ),
    json_values,
)


@pytest.fixture
def ci_token(demo_org, rescores):
    team = Team.objects.filter(organization=demo_org).order_by("pk").first()
    repository = Repository.objects.create(team=team, name="checkout", github_full_name="acme/checkout")
    return ci_token_issue(repository=repository, label="fuzz")


def _push_snapshot() -> tuple[list[Any], list[Any], list[Any]]:
    return (
        list(Signal.objects.order_by("pk").values_list("pk", "key", "value", "run_id")),
        list(CollectionRun.objects.order_by("pk").values_list("pk", "status")),
        list(CIToken.objects.order_by("pk").values_list("pk", "token_hash", "revoked_at")),
    )


def _push(client: Any, data: bytes | str, token: str | None, content_type: str = "application/json") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/evidence/", data=data, content_type=content_type, **headers)


def _out_of_range(body: Any) -> bool:
    """Whether a signal's observed_at is a date with a time zone outside 1970-2100 in UTC (read independently)."""
    signals = body.get("signals") if isinstance(body, dict) else None
    for item in signals if isinstance(signals, list) else []:
        raw = item.get("observed_at") if isinstance(item, dict) else None
        try:
            when = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            continue
        if when is None or when.tzinfo is None:
            continue
        try:
            if not 1970 <= when.astimezone(UTC).year <= 2100:
                return True
        except OverflowError:
            return True
    return False


@FUZZ
@given(body=push_bodies)
def test_ci_push_never_fails_and_a_rejected_push_stores_nothing(client, ci_token, body):
    EXAMPLES["POST /api/v1/evidence/ (JSON)"] += 1
    before = _push_snapshot()
    data = with_overflow(json.dumps(body))
    reply = _push(client, data, ci_token)
    _check_reply(reply, "ci-push", PUSH_ALLOWED)
    assert not CollectionRun.objects.running().exists()
    if holds_unstorable(data) or _out_of_range(body):
        STATUSES[f"ci-push (unstorable value or date out of range) {reply.status_code}"] += 1
        assert reply.status_code == 400, reply.content[:500]
    if reply.status_code != 201:
        assert _push_snapshot() == before
    else:  # what was stored reads back as storable JSON
        stored = Signal.objects.filter(run_id=reply.json()["run"]).values_list("value", "detail")
        assert not holds_unstorable(json.dumps(list(stored)))


@FUZZ
@given(raw=raw_bodies, authorization=st.sampled_from(["good", "none", "forged", "garbage"]))
def test_ci_push_survives_arbitrary_bytes_and_headers(client, ci_token, raw, authorization):
    EXAMPLES["POST /api/v1/evidence/ (bytes, forged tokens)"] += 1
    token = {"good": ci_token, "none": None, "forged": "ce_" + "A" * 43, "garbage": "\u00e9\t;"}[authorization]
    before = _push_snapshot()
    reply = _push(client, raw, token)
    _check_reply(reply, "ci-push", PUSH_ALLOWED)
    if reply.status_code != 201:
        assert _push_snapshot() == before
    if authorization != "good":
        assert reply.status_code in {401, 413}
    assert not CollectionRun.objects.running().exists()


# --- cluster dump upload -----------------------------------------------------------------------------------

text_or_hostile = st.text(max_size=12) | unstorable_leaf
dump_metadata = st.fixed_dictionaries(
    {"name": st.sampled_from(["checkout", "search", "web"]) | text_or_hostile},
    optional={
        "namespace": st.sampled_from(["checkout", "search"]),
        "labels": st.dictionaries(st.sampled_from(["team", "app.kubernetes.io/name"]) | surrogates, text_or_hostile, max_size=2),
        "annotations": st.dictionaries(st.text(max_size=8) | surrogates, text_or_hostile | hostile_values, max_size=2),
    },
)
dump_items = st.one_of(
    st.fixed_dictionaries({"apiVersion": st.just("v1"), "kind": st.just("Namespace"), "metadata": dump_metadata}),
    st.fixed_dictionaries(
        {"apiVersion": st.just("apps/v1"), "kind": st.sampled_from(["Deployment", "StatefulSet"]), "metadata": dump_metadata},
        optional={"spec": st.fixed_dictionaries({}, optional={"replicas": st.integers(0, 5) | unstorable_leaf})},
    ),
)
dump_documents = st.builds(
    lambda items, pad: {"apiVersion": "v1", "kind": "List", "items": items, **({"x": pad} if pad is not None else {})},
    st.lists(dump_items, max_size=5),
    st.none() | hostile_values,
)
DUMP_ALLOWED = {302, 400}


@pytest.fixture
def dump_target(client, demo_org, rescores):
    team = Team.objects.filter(organization=demo_org).order_by("pk").first()
    client.force_login(User.objects.create_superuser("fuzz-admin", "fuzz@example.invalid", "pw"))
    return f"/collect/clusters/{Cluster.objects.create(team=team, name='fuzz', team_label='team').pk}/upload/"


@FUZZ
@given(document=dump_documents)
def test_dump_upload_never_fails_and_a_refused_dump_stores_nothing(client, dump_target, document):
    EXAMPLES["POST /collect/clusters/<id>/upload/ (dumps)"] += 1
    before = _push_snapshot()
    data = with_overflow(json.dumps(document))
    reply = client.post(dump_target, {"dump": SimpleUploadedFile("cluster.json", data.encode())})
    STATUSES[f"dump-upload {reply.status_code}"] += 1
    if reply.status_code >= 500:
        SERVER_ERRORS["dump-upload"] += 1
    assert reply.status_code in DUMP_ALLOWED, (reply.status_code, reply.content[:500])
    assert not CollectionRun.objects.running().exists()
    if holds_unstorable(data):
        STATUSES[f"dump-upload (unstorable value) {reply.status_code}"] += 1
        assert reply.status_code == 400 and "cannot be stored" in reply.content.decode()
    if reply.status_code != 302:
        assert _push_snapshot() == before
