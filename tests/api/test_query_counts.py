"""Every read endpoint does the same number of SQL queries for 3 teams as for 33."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessor.models import Consumption, Team
from reports.rescore import scores_recompute
from tests.api.conftest import bulk_respondents, make_evidence

pytestmark = pytest.mark.django_db

MORE_TEAMS = 30
ENDPOINTS = [
    ("admin", "/api/v1/model/versions/{version}/", 6),
    ("admin", "/api/v1/model/cells/", 4),
    ("admin", "/api/v1/instruments/{instrument}/", 4),
    ("admin", "/api/v1/orgs/", 4),
    ("admin", "/api/v1/orgs/acme/teams/", 9),
    ("member_a", "/api/v1/orgs/acme/teams/", 9),
    ("admin", "/api/v1/orgs/acme/teams/{a}/", 10),
    ("admin", "/api/v1/orgs/acme/teams/{a}/scores/", 8),
    ("admin", "/api/v1/orgs/acme/teams/{a}/evidence/", 9),
    ("admin", "/api/v1/orgs/acme/teams/{a}/signals/", 7),
    ("admin", "/api/v1/orgs/acme/waves/", 8),
    ("member_a", "/api/v1/orgs/acme/waves/", 8),
    ("admin", "/api/v1/orgs/acme/scores/", 7),
    ("viewer", "/api/v1/orgs/acme/scores/?wave={wave}&kind=application", 7),
    # the gaps page's own narrow reads: four small answer queries instead of every answer of the wave, and the
    # admins' decisions on free-text tags with where each text came from
    ("admin", "/api/v1/orgs/acme/reports/gaps/", 17),
    ("member_b", "/api/v1/orgs/acme/reports/gaps/", 17),
    ("admin", "/api/v1/orgs/acme/reports/trends/", 8),
    ("admin", "/api/v1/orgs/acme/runs/", 8),
    ("anonymous", "/api/v1/responses/{token}/", 3),
    # the TAG export serves a stored release after the first request; building one is what the preview does
    ("admin", "/api/v1/export/tag/preview/?wave={closed}", 16),
]


def grow(world):
    """30 more application teams that consume the platform, each with answers, evidence and scores."""
    for number in range(MORE_TEAMS):
        team = Team.objects.create(organization=world.org, name=f"Team {number}", slug=f"team-{number}", kind="application")
        Consumption.objects.create(consumer=team, provider=world.team_p)
        world.wave.teams.add(team)
        bulk_respondents(
            world.wave, team, count=2, level=1 + number % 4, role="app_developer", keys={"cap.data.need": "need_yes"}
        )
        bulk_respondents(world.closed_wave, team, count=1, level=2, role="app_developer")
        make_evidence(team, f"signal.{number}")
    scores_recompute()


def count_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_organization(world, django_assert_max_num_queries):
    def url(path):
        return path.format(
            version=world.model_version_id,
            instrument=world.instrument.pk,
            a=world.team_a.pk,
            wave=world.wave.pk,
            closed=world.closed_wave.pk,
            token=world.invitations["a"].token(),
        )

    # A token's first request in a minute also records its last use (one UPDATE); the budgets are for the rest.
    for role in {role for role, _, _ in ENDPOINTS} - {"anonymous"}:
        world.client(role).get("/api/v1/orgs/")
    small = {}
    for role, path, most in ENDPOINTS:
        with django_assert_max_num_queries(most):
            small[(role, path)] = count_queries(world.client(role), url(path))
    grow(world)
    assert Team.objects.filter(organization=world.org).count() == 3 + MORE_TEAMS
    for role, path, most in ENDPOINTS:
        with django_assert_max_num_queries(most):
            large = count_queries(world.client(role), url(path))
        assert large == small[(role, path)], f"{path} as {role}: {small[(role, path)]} queries for 3 teams, {large} for 33"
