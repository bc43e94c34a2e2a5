import csv
import io
import json
import re
from datetime import timedelta

from django.urls import reverse

from assessor.models import Membership
from reports.models import Annotation
from tests.reports.factories import NOW, add_evidence, build_org, member, person


def figure(response, key):
    match = re.search(rf'<script type="application/json" id="fig-{key}">(.*?)</script>', response.content.decode(), re.S)
    assert match, f"no figure {key}"
    return json.loads(match.group(1))


def test_the_overview_holds_the_heat_map_data_and_response_rates(client, world):
    client.force_login(world.admin)

    response = client.get(reverse("reports:overview") + f"?wave={world.autumn.pk}")

    heat = figure(response, "heatmap")["data"][0]
    assert heat["type"] == "heatmap"
    assert heat["y"][0] == world.platform.name
    assert len(heat["z"]) == len(world.teams)
    body = response.content.decode()
    assert "Response rates per wave" in body
    assert reverse("reports:wave_export_html", args=[world.autumn.pk]) in body
    assert "<script>" not in body and "onclick" not in body  # no inline scripts or handlers


def test_the_overview_filters_by_team_kind_and_group(client, world):
    client.force_login(world.admin)
    group = world.teams[1].group

    platforms = client.get(reverse("reports:overview") + "?kind=platform")
    shop = client.get(reverse("reports:overview") + f"?group={group.pk}")

    assert figure(platforms, "heatmap")["data"][0]["y"] == [world.platform.name]
    assert set(figure(shop, "heatmap")["data"][0]["y"]) == {t.name for t in world.teams if t.group_id == group.pk}


def test_filters_that_match_no_team_say_so_and_link_to_clear_them(client, world):
    client.force_login(world.admin)
    group = world.teams[1].group

    for filters in ("kind=infrastructure", f"kind=platform&group={group.pk}"):
        body = client.get(reverse("reports:overview") + f"?org=acme&wave={world.autumn.pk}&{filters}").content.decode()

        assert "No team matches these filters." in body
        assert "Without them, 6 teams have results in Autumn." in body
        assert f'<a href="?org=acme&amp;wave={world.autumn.pk}">Clear the filters</a>' in body
        assert "No submitted answers in Autumn yet" not in body  # the wave has answers
        assert "Create or share invitation links" not in body


def test_filters_that_pick_only_teams_without_answers_say_others_have_answered(client, world):
    from assessor.models import Team

    world.autumn.teams.add(
        Team.objects.create(organization=world.organization, name="Network", slug="network", kind="infrastructure")
    )
    client.force_login(world.admin)

    body = client.get(reverse("reports:overview") + "?kind=infrastructure").content.decode()

    assert "No submitted answers in Autumn yet from the 1 team these filters pick." in body
    assert "6 other teams have answered." in body
    assert '<a href="?">Clear the filters</a>' in body
    assert "Create or share invitation links" not in body


def test_without_a_wave_the_overview_tells_an_admin_how_to_open_one(client, db, loaded_model):
    organization, _ = build_org(teams=3, slug="fresh")
    admin = person("fresh-admin", is_staff=True)
    member(admin, organization, Membership.Role.ADMIN)
    client.force_login(admin)

    body = client.get(reverse("reports:overview")).content.decode()

    assert "No survey wave yet" in body
    assert f'href="{reverse("surveys:wave_new")}?org=fresh"' in body


def test_without_teams_the_overview_says_where_to_add_them(client, db):
    from assessor.models import Organization

    organization = Organization.objects.create(name="Empty", slug="empty")
    admin = person("empty-admin")
    member(admin, organization, Membership.Role.ADMIN)
    client.force_login(admin)

    response = client.get(reverse("reports:overview"))

    assert response.status_code == 404
    assert "Empty has no teams yet" in response.content.decode()


def test_the_team_page_shows_levels_next_steps_and_evidence_linked_to_its_signals(client, world):
    team = world.teams[1]
    signal = add_evidence(team, aspect="interfaces", level=3, explanation="Teams provision databases through an API")
    client.force_login(world.lead)

    response = client.get(reverse("reports:team", args=[team.pk]))

    body = response.content.decode()
    radar = {trace["name"]: trace["r"] for trace in figure(response, "radar")["data"]}
    assert radar["Current level"][:5] == [2, 2, 2, 2, 1]
    assert radar["Target"][:5] == [3, 3, 3, 3, 3]
    assert "Next: 3 · " in body  # next steps from the loaded model
    assert "Teams provision databases through an API" in body
    assert f"{reverse('collectors:team_evidence', args=[team.pk])}#signal-{signal.pk}" in body
    assert "No evidence collected yet" not in body


def test_the_team_page_without_evidence_says_what_to_do(client, world):
    client.force_login(world.admin)

    body = client.get(reverse("reports:team", args=[world.teams[2].pk])).content.decode()

    assert "No evidence collected yet" in body
    assert reverse("collectors:collect") in body


def test_the_team_page_history_follows_the_team_across_waves_with_annotations(client, world):
    Annotation.objects.create(organization=world.organization, date=(NOW - timedelta(days=60)).date(), label="Portal launched")
    client.force_login(world.admin)

    response = client.get(reverse("reports:team", args=[world.teams[1].pk]))

    history = figure(response, "history")
    assert history["data"][0]["y"] == [1.0, 2.0]
    assert [a["hovertext"] for a in history["layout"]["annotations"] if a.get("hovertext")] == ["Portal launched"]
    assert "Portal launched" in response.content.decode()


def test_the_gap_report_ranks_gaps_and_shows_cooperation(client, world):
    client.force_login(world.admin)

    response = client.get(reverse("reports:gaps"))

    body = response.content.decode()
    assert "Widest gaps" in body
    perception = figure(response, "perception")["data"]
    assert perception[0]["name"] == world.platform.name
    demand = {trace["name"]: trace["x"] for trace in figure(response, "demand_supply")["data"]}
    # observability is offered by the platform but needed by nobody; data and security by all five app teams
    assert demand["Teams that need it"] == [0, 5, 5]
    assert demand["Teams that provide it"] == [1, 1, 0]
    assert "Waiting on databases" in body


def test_the_trend_report_overlays_the_published_benchmark_with_its_source_and_year(client, world):
    client.force_login(world.admin)

    plain = client.get(reverse("reports:trends"))
    compared = client.get(reverse("reports:trends") + "?benchmark=1")

    names = {trace.get("name") for trace in figure(compared, "trend")["data"]}
    assert "State of Platform Engineering Report Vol. 4 (2025), average level" in names
    assert not any("State of Platform" in (trace.get("name") or "") for trace in figure(plain, "trend")["data"])
    assert "518 respondents" in compared.content.decode()


def test_the_trend_report_follows_a_group(client, world):
    client.force_login(world.admin)
    group = world.teams[1].group

    response = client.get(reverse("reports:trends") + f"?show=group:{group.pk}")

    assert response.status_code == 200
    assert f"Trends: Group: {group.name}" in response.content.decode()
    assert figure(response, "trend")["data"][0]["y"] == [1.0, 2.0]


def test_every_chart_offers_a_csv_of_its_data(client, world):
    client.force_login(world.admin)

    response = client.get(reverse("reports:gaps") + "?download=demand_supply")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Capability", "Teams that need it", "Teams that provide it"]
    assert [row[0] for row in rows[1:]] == ["Observability", "Data services", "Security services"]


def test_the_wave_report_is_one_self_contained_file(client, world):
    client.force_login(world.admin)

    response = client.get(reverse("reports:wave_export_html", args=[world.autumn.pk]))

    body = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="acme-autumn.html"'
    assert "<script src=" not in body and '<link rel="stylesheet"' not in body
    assert "Plotly.newPlot" in body and "plotly.js v" in body.lower()
    assert body.count('type="application/json" id="fig-') >= 6
    scores = client.get(reverse("reports:wave_export_csv", args=[world.autumn.pk])).content.decode().splitlines()
    assert scores[0].startswith("Team,Kind,Group,Aspect,Score,Level")
    assert len(scores) == 1 + len(world.teams) * 5
