"""Hostile input to the CI push and to cluster dumps: numbers that are not finite, text that is not Unicode, dates
outside 1970-2100. Each is refused with a message naming the field, stores nothing and leaves no run open; a
failure after a run was created closes it; and values stored before these checks cannot break the pages."""

import html
import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from assessor.models import Repository
from collectors import services
from collectors.dump import DumpError, parse_dump
from collectors.models import CollectionRun, Signal
from collectors.pushed import ci_token_issue
from collectors.storable import NonFinite, non_finite_constant, readable, unstorable

pytestmark = pytest.mark.django_db
PUSH = "/api/v1/evidence/"
OK = '{"key": "ci.deploys_per_week", "value": 3}'


def body(*signals, top=""):
    return '{"signals": [' + ", ".join(signals) + "]" + top + "}"


def at(when):
    return '{"key": "ci.lead_time_hours", "value": 1, "observed_at": "' + when + '"}'


# Raw JSON text: json.dumps cannot write most of these.
HOSTILE_PUSHES = {
    "NaN value": (body('{"key": "ci.x", "value": NaN}'), "signals[0].value: not a finite number"),
    "Infinity value": (body(OK, '{"key": "ci.x", "value": Infinity}'), "signals[1].value: not a finite number"),
    "-Infinity value": (body('{"key": "ci.x", "value": -Infinity}'), "signals[0].value: not a finite number"),
    "1e400 value": (body('{"key": "ci.x", "value": 1e400}'), "signals[0].value: not a finite number"),
    "NaN in detail": (
        body(OK, OK, '{"key": "ci.x", "value": 1, "detail": {"latency": NaN}}'),
        "signals[2].detail.latency: not a finite number",
    ),
    "-1e400 deep in detail": (
        body('{"key": "ci.x", "value": 1, "detail": {"runs": [1, {"p99": -1e400}]}}'),
        "signals[0].detail.runs[1].p99: not a finite number",
    ),
    "Infinity in detail": (
        body('{"key": "ci.x", "value": 1, "detail": {"a": {"b": Infinity}}}'),
        "signals[0].detail.a.b: not a finite number",
    ),
    "year 1": (body(at("0001-01-01T00:00:00Z")), "signals[0].observed_at: year 1 is outside 1970-2100"),
    "year 9999, overflowing UTC": (
        body(OK, at("9999-12-31T23:59:59-23:59")),
        "signals[1].observed_at: year 9999 is outside 1970-2100",
    ),
    "1969 in UTC": (body(at("1970-01-01T00:30:00+01:00")), "signals[0].observed_at: year 1969 is outside 1970-2100"),
    "year 2101": (body(at("2101-01-01T00:00:00Z")), "signals[0].observed_at: year 2101 is outside 1970-2100"),
    "lone surrogate in value": (
        body('{"key": "ci.x", "value": "a\\ud800"}'),
        "signals[0].value: contains a lone surrogate",
    ),
    "lone surrogate in detail": (
        body('{"key": "ci.x", "value": 1, "detail": {"who": ["ok", "\\udfff"]}}'),
        "signals[0].detail.who[1]: contains a lone surrogate",
    ),
    "lone surrogate in a detail key": (
        body('{"key": "ci.x", "value": 1, "detail": {"\\ud800": 1}}'),
        'signals[0].detail["\\ud800"]: the key contains a lone surrogate',
    ),
    "lone surrogate in path": (
        body('{"key": "ci.x", "value": 1, "path": "x\\udc00"}'),
        "signals[0].path: contains a lone surrogate",
    ),
    "lone surrogate in pipeline name": (
        body(OK, top=', "pipeline": {"name": "\\ud83d"}'),
        "pipeline.name: contains a lone surrogate",
    ),
    "lone surrogate in repository": (body(OK, top=', "repository": "\\ud800"'), "repository: contains a lone surrogate"),
    "NUL in detail": (
        body('{"key": "ci.x", "value": 1, "detail": {"note": "a\\u0000b"}}'),
        "signals[0].detail.note: contains a NUL character",
    ),
}


@pytest.fixture
def repository(app_team):
    return Repository.objects.create(team=app_team, name="checkout", github_full_name="acme/checkout")


@pytest.fixture
def token(repository):
    return ci_token_issue(repository=repository, label="deploy")


def push(client, data, token):
    return client.post(PUSH, data=data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize(("data", "message"), HOSTILE_PUSHES.values(), ids=HOSTILE_PUSHES.keys())
def test_a_hostile_push_is_a_400_naming_the_field_and_stores_nothing(client, token, data, message):
    response = push(client, data, token)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_body"
    assert message in error["message"]
    assert not Signal.objects.exists()
    assert not CollectionRun.objects.exists()  # refused before a run was created, so none is left running


def test_the_details_give_the_field_as_a_json_pointer(client, token):
    error = push(client, HOSTILE_PUSHES["NaN in detail"][0], token).json()["error"]
    assert [d["path"] for d in error["details"]] == ["/signals/2/detail/latency"]


def test_the_dates_at_the_edges_of_the_range_are_accepted(client, token):
    data = body(at("1970-01-01T00:00:00Z"), at("2026-11-01T00:00:00-23:59"))
    assert push(client, data, token).status_code == 201


def test_a_push_that_fails_after_its_run_was_created_closes_the_run(client, token, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("evidence evaluation broke")

    monkeypatch.setattr(services, "evidence_evaluate", broken)
    with pytest.raises(RuntimeError):
        push(client, body(OK), token)

    run = CollectionRun.objects.get()
    assert run.status == CollectionRun.Status.FAILED and run.finished_at is not None
    assert "RuntimeError: evidence evaluation broke" in run.error
    assert not Signal.objects.exists()  # the signals were rolled back with the run's figures


# --- cluster dumps -----------------------------------------------------------------------------------------


def namespace(metadata):
    item = '{"apiVersion": "v1", "kind": "Namespace", "metadata": ' + metadata + "}"
    return '{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace"}, ' + item + "]}"


HOSTILE_DUMPS = {
    "NaN label": (namespace('{"name": "a", "labels": {"team": NaN}}'), "items[1].metadata.labels.team: not a finite number"),
    "Infinity in spec": (
        '{"items": [{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": Infinity}}]}',
        "items[0].spec.replicas: not a finite number",
    ),
    "1e400 in spec": (
        '{"items": [{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 1e400}}]}',
        "items[0].spec.replicas: not a finite number",
    ),
    "-Infinity in a single object": (
        '{"apiVersion": "v1", "kind": "Namespace", "x": -Infinity}',
        "x: not a finite number",
    ),
    "lone surrogate in a name": (namespace('{"name": "a\\ud800"}'), "items[1].metadata.name: contains a lone surrogate"),
    "lone surrogate in a label": (
        namespace('{"name": "a", "labels": {"team": "\\udc80"}}'),
        "items[1].metadata.labels.team: contains a lone surrogate",
    ),
    "lone surrogate in a label key": (
        namespace('{"name": "a", "labels": {"app.kubernetes.io/\\ud800": "x"}}'),
        'items[1].metadata.labels["app.kubernetes.io/\\ud800"]: the key contains a lone surrogate',
    ),
    "lone surrogate in an annotation": (
        namespace('{"name": "a", "annotations": {"note": "\\ud800"}}'),
        "items[1].metadata.annotations.note: contains a lone surrogate",
    ),
    "lone surrogate in a kind": (
        '{"items": [{"apiVersion": "v1", "kind": "\\ud800"}]}',
        "items[0].kind: contains a lone surrogate",
    ),
    "NUL in a namespace name": (namespace('{"name": "a\\u0000"}'), "items[1].metadata.name: contains a NUL character"),
}


@pytest.mark.parametrize(("data", "message"), HOSTILE_DUMPS.values(), ids=HOSTILE_DUMPS.keys())
def test_a_hostile_dump_is_refused_naming_the_field(data, message):
    with pytest.raises(DumpError) as caught:
        parse_dump(data.encode(), max_bytes=10_000)
    assert message in str(caught.value)
    str(caught.value).encode("utf-8")  # the message itself can be shown and stored


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("root", "root@acme.example", "pw"))
    return client


@pytest.mark.parametrize(("data", "message"), HOSTILE_DUMPS.values(), ids=HOSTILE_DUMPS.keys())
def test_a_hostile_dump_upload_is_a_400_naming_the_field_and_stores_nothing(staff, cluster, data, message):
    upload = SimpleUploadedFile("cluster.json", data.encode(), content_type="application/json")
    response = staff.post(f"/collect/clusters/{cluster.pk}/upload/", {"dump": upload})

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Signal.objects.exists()
    assert not CollectionRun.objects.exists()


@pytest.mark.parametrize(("data", "message"), HOSTILE_DUMPS.values(), ids=HOSTILE_DUMPS.keys())
def test_a_hostile_snapshot_file_is_a_failed_run_with_the_reason(cluster, tmp_path, data, message):
    snapshot = tmp_path / "cluster.json"
    snapshot.write_text(data, encoding="utf-8")
    cluster.snapshot_path = str(snapshot)
    cluster.save()

    run = services.cluster_collect(cluster=cluster)

    run.refresh_from_db()
    assert run.status == CollectionRun.Status.FAILED and message in run.error
    assert not Signal.objects.exists()
    assert not CollectionRun.objects.running().exists()


GOOD_DUMP = {
    "apiVersion": "v1",
    "kind": "List",
    "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "checkout", "labels": {"team": "checkout"}}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "checkout"}},
    ],
}


def test_an_upload_that_fails_after_its_run_was_created_closes_the_run(staff, cluster, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("evidence evaluation broke")

    monkeypatch.setattr(services, "evidence_evaluate", broken)
    with pytest.raises(RuntimeError):
        upload = SimpleUploadedFile("d.json", json.dumps(GOOD_DUMP).encode())
        staff.post(f"/collect/clusters/{cluster.pk}/upload/", {"dump": upload})

    run = CollectionRun.objects.get()
    assert run.status == CollectionRun.Status.FAILED and "evidence evaluation broke" in run.error
    assert not Signal.objects.exists()


def test_a_collection_that_fails_while_storing_closes_its_run(cluster, tmp_path, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("evidence evaluation broke")

    snapshot = tmp_path / "cluster.json"
    snapshot.write_text(json.dumps(GOOD_DUMP))
    cluster.snapshot_path = str(snapshot)
    cluster.save()
    monkeypatch.setattr(services, "evidence_evaluate", broken)
    with pytest.raises(RuntimeError):
        services.cluster_collect(cluster=cluster)

    run = CollectionRun.objects.get()
    assert run.status == CollectionRun.Status.FAILED and "RuntimeError: evidence evaluation broke" in run.error


# --- values stored before the checks ---------------------------------------------------------------------


@pytest.fixture
def stored_surrogates(repository):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses lone surrogates in text and JSON, so such rows cannot be stored there")
    """A signal written directly with what the push now refuses; SQLite keeps it (JSON stores it as an escape)."""
    run = services.run_start(source=repository, collector="ci", trigger="push")
    run.finish(status=CollectionRun.Status.OK, skipped=[{"what": "x\ud800", "reason": "\udc00"}])
    return Signal.objects.create(
        run=run,
        team=repository.team,
        repository=repository,
        source_key=run.source_key,
        collector="ci",
        key="ci.deploys_per_week",
        value="fast\ud800",
        detail={"label": "a\udfffb", "\ud800": [1]},
        observed_at=run.started_at,
    )


def test_stored_lone_surrogates_do_not_break_the_evidence_page_or_the_signals_api(staff, stored_surrogates, app_team):
    page = staff.get(f"/evidence/teams/{app_team.pk}/")
    assert page.status_code == 200
    assert "fast\ufffd" in page.content.decode() and "a\ufffdb" in page.content.decode()

    answer = staff.get(f"/api/v1/orgs/acme/teams/{app_team.pk}/signals/")
    assert answer.status_code == 200, answer.content
    (signal,) = answer.json()["results"]
    assert signal["value"] == "fast\ufffd"
    assert signal["detail"] == {"label": "a\ufffdb", "\ufffd": [1]}

    assert staff.get(f"/collect/?org={app_team.organization.slug}").status_code == 200


def test_stored_lone_surrogates_do_not_break_a_later_push_evaluating_them(client, token, stored_surrogates):
    assert push(client, body(OK), token).status_code == 201
    assert not CollectionRun.objects.running().exists()


# --- the checks themselves ---------------------------------------------------------------------------------


def test_the_check_finds_the_first_bad_value_in_document_order():
    document = json.loads('{"a": [1, {"b": NaN}], "c": "\\ud800"}', parse_constant=non_finite_constant)
    assert isinstance(document["a"][1]["b"], NonFinite)
    found = unstorable(document)
    assert (found.path, found.pointer, found.dotted) == (("a", 1, "b"), "/a/1/b", "a[1].b")
    assert unstorable({"a": [1.5, "ünïcode", {"k": None, "ok": True}]}) is None


def test_the_check_walks_documents_nested_deeper_than_the_recursion_limit():
    document = "\ud800"
    for _ in range(5000):
        document = [document]
    assert unstorable(document).problem.startswith("contains a lone surrogate")


def test_readable_replaces_what_cannot_be_rendered():
    assert readable({"\ud800": ["a\udc00", float("inf"), 2.5, "ok"]}) == {"\ufffd": ["a\ufffd", None, 2.5, "ok"]}
