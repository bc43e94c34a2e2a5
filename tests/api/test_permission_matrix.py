"""Every endpoint against every role, from one table: who may call it, and that no team's data leaks.

Each row names an endpoint and an access rule; the rule gives the expected status for each of the eight
callers. Every 2xx JSON answer is also searched for team ids the caller may not see. Writes by a caller
who is refused must leave the state as it was. The table's size is asserted, so it cannot shrink quietly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessor.models import Team
from reports.models import Release
from surveys.models import Response, Wave
from tests.api.conftest import ROLES, World, answers_for, build_world, team_ids_in

pytestmark = pytest.mark.django_db

MEMBERS = ("viewer", "member_a", "lead_a", "member_b", "admin")
SEES_A = ("viewer", "member_a", "lead_a", "admin", "superuser")
SEES_B = ("viewer", "member_b", "admin", "superuser")


def rule(allowed: tuple[str, ...], *, ok: int = 200, denied: int = 403, anonymous: int = 401) -> dict[str, int]:
    """Expected status per role: `ok` for allowed roles, 404 for those outside the organization."""
    expected = {}
    for role in ROLES:
        if role in allowed:
            expected[role] = ok
        elif role == "anonymous":
            expected[role] = anonymous
        elif role in MEMBERS:
            expected[role] = denied
        else:
            expected[role] = 404
    return expected


PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = rule(ROLES[1:])
MEMBER = rule((*MEMBERS, "superuser"))
TEAM_A = rule(SEES_A, denied=404)
TEAM_B = rule(SEES_B, denied=404)
ADMIN = rule(("admin", "superuser"))
ADMIN_ACCEPTED = rule(("admin", "superuser"), ok=202)
ADMIN_OF_ANY = rule(("admin", "superuser", "outsider"))
TOKEN = dict.fromkeys(ROLES, 200)
NO_SUCH_TOKEN = dict.fromkeys(ROLES, 404)
NO_CI_TOKEN = dict.fromkeys(ROLES, 401)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    expected: dict[str, int]
    body: Callable[[World], Any] | None = None
    state: Callable[[World], Any] | None = None  # what a refused call must leave unchanged


def _wave_times(world: World) -> Any:
    return list(Wave.objects.order_by("pk").values_list("opens_at", "closes_at"))


def _releases(world: World) -> Any:
    return list(Release.objects.values_list("wave_id", "number"))


def _jobs(world: World) -> Any:
    return world.jobs  # type: ignore[attr-defined]


def _team_a_response(world: World) -> Any:
    return list(Response.objects.filter(invitation=world.invitations["a"]).values_list("team_id", "status"))


def _full_answers(world: World) -> dict[str, Any]:
    return {"version": 0, "answers": answers_for(world.instrument.spec(), "app_developer", level=3)}


ENDPOINTS = [
    Endpoint("schema", "get", "/api/v1/schema/", PUBLIC),
    Endpoint("docs", "get", "/api/v1/docs/", PUBLIC),
    Endpoint("tag export schema", "get", "/api/v1/export/tag/schema/", PUBLIC),
    Endpoint("model versions", "get", "/api/v1/model/versions/", SIGNED_IN),
    Endpoint("model version", "get", "/api/v1/model/versions/{version}/", SIGNED_IN),
    Endpoint("model aspects", "get", "/api/v1/model/aspects/", SIGNED_IN),
    Endpoint("model cells", "get", "/api/v1/model/cells/", SIGNED_IN),
    Endpoint("instruments", "get", "/api/v1/instruments/", SIGNED_IN),
    Endpoint("instrument", "get", "/api/v1/instruments/{instrument}/", SIGNED_IN),
    Endpoint("organizations", "get", "/api/v1/orgs/", SIGNED_IN),
    Endpoint("organization", "get", "/api/v1/orgs/acme/", MEMBER),
    Endpoint("teams", "get", "/api/v1/orgs/acme/teams/", MEMBER),
    Endpoint("team A", "get", "/api/v1/orgs/acme/teams/{a}/", TEAM_A),
    Endpoint("team B", "get", "/api/v1/orgs/acme/teams/{b}/", TEAM_B),
    Endpoint("team A scores", "get", "/api/v1/orgs/acme/teams/{a}/scores/", TEAM_A),
    Endpoint("team B scores", "get", "/api/v1/orgs/acme/teams/{b}/scores/", TEAM_B),
    Endpoint("team A evidence", "get", "/api/v1/orgs/acme/teams/{a}/evidence/", TEAM_A),
    Endpoint("team B evidence", "get", "/api/v1/orgs/acme/teams/{b}/evidence/", TEAM_B),
    Endpoint("team A signals", "get", "/api/v1/orgs/acme/teams/{a}/signals/", TEAM_A),
    Endpoint("team B signals", "get", "/api/v1/orgs/acme/teams/{b}/signals/", TEAM_B),
    Endpoint("waves", "get", "/api/v1/orgs/acme/waves/", MEMBER),
    Endpoint("wave", "get", "/api/v1/orgs/acme/waves/{wave}/", MEMBER),
    Endpoint("open wave", "post", "/api/v1/orgs/acme/waves/{scheduled}/open/", ADMIN, state=_wave_times),
    Endpoint("close wave", "post", "/api/v1/orgs/acme/waves/{wave}/close/", ADMIN, state=_wave_times),
    # the admin reopens the closed wave; for the superuser next it is no longer closed
    Endpoint(
        "reopen wave",
        "post",
        "/api/v1/orgs/acme/waves/{closed}/reopen/",
        {**ADMIN, "superuser": 409},
        body=lambda w: {"closes_at": (timezone.now() + timedelta(days=1)).isoformat()},
        state=_wave_times,
    ),
    Endpoint("scores", "get", "/api/v1/orgs/acme/scores/", MEMBER),
    Endpoint("scores of team B", "get", "/api/v1/orgs/acme/scores/?team={b}", MEMBER),
    Endpoint("gap report", "get", "/api/v1/orgs/acme/reports/gaps/", MEMBER),
    Endpoint("trend report", "get", "/api/v1/orgs/acme/reports/trends/", MEMBER),
    Endpoint("trend of team A", "get", "/api/v1/orgs/acme/reports/trends/?scope=team&key={a}", TEAM_A),
    Endpoint("trend of team B", "get", "/api/v1/orgs/acme/reports/trends/?scope=team&key={b}", TEAM_B),
    Endpoint("collect", "post", "/api/v1/orgs/acme/collections/", ADMIN_ACCEPTED, body=lambda w: {}, state=_jobs),
    Endpoint("runs", "get", "/api/v1/orgs/acme/runs/", MEMBER),
    Endpoint("survey form", "get", "/api/v1/responses/{token_a}/", TOKEN),
    Endpoint("survey submit", "post", "/api/v1/responses/{token_a}/submit/", TOKEN, body=_full_answers, state=_team_a_response),
    Endpoint(
        "survey save, bad token",
        "put",
        "/api/v1/responses/{bad_token}/",
        NO_SUCH_TOKEN,
        body=lambda w: {"version": 0, "answers": {}},
    ),
    Endpoint("CI push without a CI token", "post", "/api/v1/evidence/", NO_CI_TOKEN, body=lambda w: {}),
    Endpoint("TAG export", "get", "/api/v1/export/tag/?wave={closed}", ADMIN),
    Endpoint("release preview", "get", "/api/v1/export/tag/preview/?wave={closed}", ADMIN),
    Endpoint("releases", "get", "/api/v1/export/tag/releases/?wave={closed}", ADMIN),
    # the admin publishes release 1; the superuser asking next gets that same release back
    Endpoint(
        "publish release",
        "post",
        "/api/v1/export/tag/releases/",
        {**ADMIN, "admin": 201},
        body=lambda w: {"wave": w.closed_wave.pk},
        state=_releases,
    ),
    Endpoint(
        "release download", "get", "/api/v1/export/tag/releases/1/?wave={closed}", {**ADMIN, "admin": 404, "superuser": 404}
    ),
    Endpoint("answers export", "get", "/api/v1/export/answers/", ADMIN_OF_ANY),
    Endpoint("answers export of acme", "get", "/api/v1/export/answers/?organization=acme", ADMIN),
]
EXPECTED_CELLS = 44 * 8


@pytest.fixture(scope="module")
def matrix_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """One world for the whole matrix, built inside a transaction rolled back after the module. Each test runs in
    its own savepoint inside it (the `db` fixture), so what one test changes is undone before the next."""
    from django.conf import settings
    from django.db import transaction

    from assessor.maturity import read_model_file
    from assessor.services import model_load

    with django_db_blocker.unblock(), transaction.atomic():
        version = model_load(spec=read_model_file(settings.MATURITY_MODEL_FILE)).version
        yield build_world(version.pk)
        transaction.set_rollback(True)


@pytest.fixture
def world(matrix_world: World, db: None) -> World:
    return matrix_world


def test_the_matrix_covers_every_endpoint_for_every_role():
    assert len(ROLES) == 8
    assert sum(len(endpoint.expected) for endpoint in ENDPOINTS) == len(ENDPOINTS) * len(ROLES) == EXPECTED_CELLS
    assert all(set(endpoint.expected) == set(ROLES) for endpoint in ENDPOINTS)


def _path(endpoint: Endpoint, world: World) -> str:
    return endpoint.path.format(
        a=world.team_a.pk,
        b=world.team_b.pk,
        wave=world.wave.pk,
        closed=world.closed_wave.pk,
        scheduled=world.scheduled_wave.pk,
        version=world.model_version_id,
        instrument=world.instrument.pk,
        token_a=world.invitations["a"].token(),
        bad_token="A" * 43,
    )


def _leaked_team_ids(endpoint: Endpoint, response: Any, world: World, role: str) -> set[int]:
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/csv"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        rows = list(csv.DictReader(io.StringIO(body.decode())))
        found = {int(row["team_id"]) for row in rows if row.get("team_id")}
    elif content_type.startswith("application/json"):
        payload = response.json()
        found = team_ids_in(payload)
        if endpoint.name in ("teams", "team A", "team B"):
            items = payload.get("results", [payload])
            found |= {item["id"] for item in items}
    else:
        return set()
    return found - world.visible_team_ids(role)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.name for endpoint in ENDPOINTS])
def test_each_role_gets_exactly_what_it_may(world, endpoint, monkeypatch):
    world.jobs = []  # type: ignore[attr-defined]
    monkeypatch.setattr(
        "collectors.api.collection.collection_enqueue", lambda *, organization, sources: world.jobs.append(sources) or []
    )
    checked = 0
    for role in ROLES:
        before = endpoint.state(world) if endpoint.state else None
        client = world.client(role)
        body = endpoint.body(world) if endpoint.body else None
        response = getattr(client, endpoint.method)(_path(endpoint, world), body, format="json")
        expected = endpoint.expected[role]
        assert response.status_code == expected, f"{endpoint.name} as {role}: {response.status_code}, {response.content[:300]!r}"
        if expected >= 400:
            assert response.json()["error"]["code"], f"{endpoint.name} as {role}: no error body"
            if endpoint.state:
                assert endpoint.state(world) == before, f"{endpoint.name} as {role} changed the state while refused"
        else:
            leaked = _leaked_team_ids(endpoint, response, world, role)
            assert not leaked, f"{endpoint.name} as {role} showed teams {leaked}"
        checked += 1
    assert checked == len(ROLES)


def test_a_token_only_ever_writes_its_own_teams_response(world):
    for role in ROLES:
        response = world.client(role).post(
            f"/api/v1/responses/{world.invitations['b'].token()}/submit/", _full_answers(world), format="json"
        )
        assert response.status_code == 200
    stored = Response.objects.get(invitation=world.invitations["b"])
    assert stored.team_id == world.team_b.pk and stored.status == "submitted"
    assert not Response.objects.filter(invitation=world.invitations["a"]).exists()
    assert Team.objects.count() == 4
