"""Every /orgs/{org}/teams/{team}/ path takes the team's slug as well as its id, and says so in the schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from assessor.models import Team

pytestmark = pytest.mark.django_db

TEAM_PATHS = ["", "scores/", "evidence/", "signals/", "waivers/"]
TEAM_ACTION_PATHS = ["waivers/{waiver}/revoke/"]  # POST only


@pytest.mark.parametrize("suffix", TEAM_PATHS)
def test_a_team_path_answers_the_same_for_the_slug_as_for_the_id(world, suffix):
    client = world.client("admin")

    by_id = client.get(f"/api/v1/orgs/acme/teams/{world.team_a.pk}/{suffix}")
    by_slug = client.get(f"/api/v1/orgs/acme/teams/{world.team_a.slug}/{suffix}")

    assert by_id.status_code == by_slug.status_code == 200
    assert by_slug.json() == by_id.json()


@pytest.mark.parametrize("suffix", TEAM_PATHS)
def test_a_team_the_caller_may_not_see_is_not_found_by_slug_either(world, suffix):
    client = world.client("member_b")

    hidden = client.get(f"/api/v1/orgs/acme/teams/{world.team_a.slug}/{suffix}")
    unknown = client.get(f"/api/v1/orgs/acme/teams/no-such-team/{suffix}")
    elsewhere = world.client("admin").get(f"/api/v1/orgs/acme/teams/{world.team_x.slug}/{suffix}")  # another org's team

    for response in (hidden, unknown, elsewhere):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert "No API endpoint" not in response.json()["error"]["message"]


def test_digits_name_a_team_by_id_first_then_by_slug(world):
    numbered = Team.objects.create(organization=world.org, name="Team 2024", slug="2024", kind="application")
    clash = Team.objects.create(organization=world.org, name="Clash", slug=str(world.team_b.pk), kind="application")
    client = world.client("admin")

    assert client.get(f"/api/v1/orgs/acme/teams/{numbered.slug}/").json()["id"] == numbered.pk
    assert client.get(f"/api/v1/orgs/acme/teams/{clash.slug}/").json()["id"] == world.team_b.pk
    assert client.get(f"/api/v1/orgs/acme/teams/{clash.slug}/scores/").json()["results"][0]["team_id"] == world.team_b.pk


def test_score_rows_carry_the_teams_name_and_slug(world):
    client = world.client("admin")

    newest = client.get("/api/v1/orgs/acme/scores/?limit=1000").json()["results"]
    history = client.get(f"/api/v1/orgs/acme/teams/{world.team_a.slug}/scores/").json()["results"]

    teams = {team.pk: (team.name, team.slug) for team in (world.team_a, world.team_b, world.team_p)}
    assert newest and all((row["team"], row["team_slug"]) == teams[row["team_id"]] for row in newest)
    assert history and {(row["team"], row["team_slug"]) for row in history} == {("Team A", "team-a")}


def test_the_schema_describes_the_team_parameter_as_an_id_or_a_slug():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    team_paths = [path for path in schema["paths"] if "{team}" in path]
    assert len(team_paths) == len(TEAM_PATHS) + len(TEAM_ACTION_PATHS)
    for path in team_paths:
        for operation in schema["paths"][path].values():
            (parameter,) = [p for p in operation["parameters"] if p["name"] == "team" and p["in"] == "path"]
            assert parameter["description"] == "The team's id or slug (digits are read as the id first)."
            assert parameter["schema"]["type"] == "string"
