import re

import pytest
from django.urls import reverse

from assessor.models import Membership
from tests.reports.factories import person

PAGES = ["reports:overview", "reports:gaps", "reports:trends"]


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(client, world, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_sends_anonymous_visitors_of_a_team_page_and_exports_to_sign_in(client, world):
    for url in (
        reverse("reports:team", args=[world.teams[1].pk]),
        reverse("reports:wave_export_html", args=[world.autumn.pk]),
        reverse("reports:wave_export_csv", args=[world.autumn.pk]),
    ):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("name", PAGES)
def test_it_tells_people_outside_every_organization_what_to_do(client, world, name):
    response = get(client, world.outsider, reverse(name))

    assert response.status_code == 403
    body = response.content.decode()
    assert "You are not a member of any organization here. Ask one of these admins to add you to your team:" in body
    assert 'href="mailto:ada@example.com"' in body


def test_it_shows_a_member_without_a_team_the_admins_of_their_organization(client, world):
    teamless = person("tess")
    Membership.objects.create(user=teamless, organization=world.organization, role=Membership.Role.MEMBER)
    response = get(client, teamless, reverse("reports:overview"))

    assert response.status_code == 403
    body = response.content.decode()
    assert "Ask one of these admins to add you to your team:" in body
    assert 'href="mailto:ada@example.com"' in body


@pytest.mark.parametrize("name", PAGES)
def test_admins_see_every_team(client, world, name):
    response = get(client, world.admin, reverse(name))

    assert response.status_code == 200
    body = response.content.decode()
    if name != "reports:trends":
        assert all(team.name in body for team in world.teams if team.kind == "application")


@pytest.mark.parametrize("name", PAGES)
def test_team_leads_see_only_their_own_team(client, world, name):
    response = get(client, world.lead, reverse(name))

    assert response.status_code == 200
    body = response.content.decode()
    assert world.teams[1].name in body
    assert world.teams[2].name not in body
    assert world.teams[3].name not in body


def test_a_team_lead_opens_their_own_team_page_but_not_another_teams(client, world):
    client.force_login(world.lead)

    assert client.get(reverse("reports:team", args=[world.teams[1].pk])).status_code == 200
    other = client.get(reverse("reports:team", args=[world.teams[2].pk]))
    assert other.status_code == 404
    assert world.teams[2].name not in other.content.decode()


def test_a_member_of_another_team_cannot_open_the_team_page(client, world):
    response = get(client, world.member, reverse("reports:team", args=[world.teams[1].pk]))

    assert response.status_code == 404
    assert "You can open the pages of your own team" in response.content.decode()


def test_a_team_that_does_not_exist_is_not_found_even_for_an_admin(client, world):
    response = get(client, world.admin, reverse("reports:team", args=[999]))

    assert response.status_code == 404
    body = response.content.decode()
    assert "No such team" in body
    assert "Not your team" not in body


def test_an_unknown_team_looks_the_same_as_a_forbidden_one(client, world):
    """404 for both, as the API answers, so that a reader cannot tell which team ids exist."""
    client.force_login(world.member)
    hidden = world.teams[1].pk
    missing = 99999

    forbidden = client.get(reverse("reports:team", args=[hidden]))
    unknown = client.get(reverse("reports:team", args=[missing]))

    def message(response):
        main = re.search(r"<main.*</main>", response.content.decode(), re.S)
        assert main is not None
        return main.group(0)

    assert (forbidden.status_code, unknown.status_code) == (404, 404)
    assert message(forbidden).replace(f"team {hidden} ", "team <id> ") == message(unknown).replace(
        f"team {missing} ", "team <id> "
    )


def test_a_team_lead_gets_only_their_team_in_csv_downloads(client, world):
    client.force_login(world.lead)

    heat = client.get(reverse("reports:overview") + "?download=heatmap").content.decode()
    pains = client.get(reverse("reports:gaps") + "?download=pains").content.decode()
    profile = client.get(reverse("reports:team", args=[world.teams[1].pk]) + "?download=radar")

    for text in (heat, pains):
        assert world.teams[1].name in text
        assert world.teams[2].name not in text
    assert profile.status_code == 200
    assert profile["Content-Type"].startswith("text/csv")


WAVE_EXPORTS = ["reports:wave_export_html", "reports:wave_export_csv"]


@pytest.mark.parametrize("name", WAVE_EXPORTS)
@pytest.mark.parametrize("who", ["lead", "member"])
def test_the_wave_report_and_scores_are_for_the_organizations_admins_only(client, world, name, who):
    """They cover every team of the wave; a team's people have their team page and its downloads instead."""
    response = get(client, getattr(world, who), reverse(name, args=[world.autumn.pk]))

    assert response.status_code == 403
    body = response.content.decode()
    assert f"only admins of {world.organization.name} download them" in body
    assert "page of the dashboard" in body
    assert all(team.name not in body for team in world.teams)


@pytest.mark.parametrize("name", WAVE_EXPORTS)
def test_an_admin_downloads_the_wave_report_and_scores_with_every_team(client, world, name):
    response = get(client, world.admin, reverse(name, args=[world.autumn.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert all(team.name in response.content.decode() for team in world.teams)


@pytest.mark.parametrize("name", WAVE_EXPORTS)
def test_a_wave_outside_the_readers_organizations_is_not_found_like_a_missing_one(client, world, name):
    client.force_login(world.outsider)

    hidden = client.get(reverse(name, args=[world.autumn.pk]))
    missing = client.get(reverse(name, args=[99999]))

    def message(response):
        main = re.search(r"<main.*</main>", response.content.decode(), re.S)
        assert main is not None
        return main.group(0)

    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert message(hidden) == message(missing)
    assert "no such survey wave" in message(hidden)


def test_the_dashboard_offers_the_wave_downloads_to_admins_only(client, world):
    links = [reverse(name, args=[world.autumn.pk]) for name in WAVE_EXPORTS]

    for user, shown in ((world.admin, True), (world.lead, False), (world.member, False)):
        body = get(client, user, reverse("reports:overview") + f"?wave={world.autumn.pk}").content.decode()
        assert all((link in body) is shown for link in links), user.username


def test_a_team_lead_cannot_ask_for_another_teams_trend(client, world):
    response = get(client, world.lead, reverse("reports:trends") + f"?scope=team&key={world.teams[2].pk}")

    assert response.status_code == 404
    assert world.teams[2].name not in response.content.decode()


def test_a_team_lead_asking_for_the_organization_trend_gets_their_team(client, world):
    response = get(client, world.lead, reverse("reports:trends") + "?scope=organization")

    assert response.status_code == 200
    assert f"Trends: Team: {world.teams[1].name}" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?wave=abc", 400),
        ("?wave=99999", 404),
        ("?kind=robots", 400),
        ("?group=12345", 404),
        ("?download=nope", 404),
        ("?org=elsewhere", 404),
    ],
)
def test_bad_query_strings_get_a_clear_4xx(client, world, query, status):
    response = get(client, world.admin, reverse("reports:overview") + query)

    assert response.status_code == status
    assert b"<h1>" in response.content


def test_bad_trend_choices_get_a_clear_4xx(client, world):
    client.force_login(world.admin)

    assert client.get(reverse("reports:trends") + "?show=planet:1").status_code == 400
    assert client.get(reverse("reports:trends") + "?show=team:x").status_code == 400
    assert client.get(reverse("reports:trends") + "?scope=group&key=424242").status_code == 404
