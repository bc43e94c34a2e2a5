"""Read endpoints: what each returns to a caller who may see it, with filters and pagination."""

import pytest

from reports.models import ScoreSnapshot
from tests.api.conftest import answers_for, invite, make_wave, submit

pytestmark = pytest.mark.django_db

ASPECTS = ["investment", "adoption", "interfaces", "operations", "measurement"]


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_it_lists_model_versions_and_serves_one_with_aspects_and_cells(world):
    client = world.client("member_a")
    versions = client.get("/api/v1/model/versions/").json()
    assert versions["count"] == 1
    detail = client.get(f"/api/v1/model/versions/{versions['results'][0]['id']}/").json()
    assert [aspect["key"] for aspect in detail["aspects"]] == ASPECTS
    assert [cell["level"] for cell in detail["aspects"][0]["cells"]] == [1, 2, 3, 4]
    assert [level["number"] for level in detail["levels"]] == [1, 2, 3, 4]


def test_it_filters_cells_by_aspect_and_level(world):
    cells = results(world.client("viewer").get("/api/v1/model/cells/?aspect=operations&level=3"))
    assert [(cell["aspect"], cell["level"]) for cell in cells] == [("operations", 3)]
    assert len(results(world.client("viewer").get("/api/v1/model/aspects/"))) == 5


def test_it_serves_instruments_with_their_questions(world):
    client = world.client("member_b")
    listed = results(client.get("/api/v1/instruments/?key=pemm-cooperation"))
    assert [(i["key"], i["version"]) for i in listed] == [("pemm-cooperation", 1)]
    detail = client.get(f"/api/v1/instruments/{listed[0]['id']}/").json()
    assert detail["question_count"] == len(detail["questions"]) > 50
    funding = next(q for q in detail["questions"] if q["key"] == "investment.funding")
    assert funding["aspect"] == "investment" and funding["options"][0]["level"] == 1
    delivery = next(q for q in detail["questions"] if q["key"] == "cap.data.delivery")
    assert delivery["show_if"] == {"question": "cap.data.need", "values": ["need_yes"]}


def test_it_lists_only_the_organizations_you_belong_to_with_your_roles(world):
    orgs = results(world.client("lead_a").get("/api/v1/orgs/"))
    assert orgs == [
        {"slug": "acme", "name": "Acme", "size": "101-500", "roles": [{"role": "team_lead", "team_id": world.team_a.pk}]}
    ]
    assert [o["slug"] for o in results(world.client("superuser").get("/api/v1/orgs/"))] == ["acme", "other"]


def test_it_lists_teams_with_kind_group_and_links(world):
    teams = {team["slug"]: team for team in results(world.client("viewer").get("/api/v1/orgs/acme/teams/"))}
    assert set(teams) == {"team-a", "team-b", "team-p"}
    assert teams["team-a"]["group"]["slug"] == "shop"
    assert [p["id"] for p in teams["team-a"]["providers"]] == [world.team_p.pk]
    assert sorted(c["id"] for c in teams["team-p"]["consumers"]) == sorted([world.team_a.pk, world.team_b.pk])
    platform = results(world.client("viewer").get("/api/v1/orgs/acme/teams/?kind=platform"))
    assert [team["slug"] for team in platform] == ["team-p"]


def test_a_member_sees_only_their_own_team(world):
    teams = results(world.client("member_a").get("/api/v1/orgs/acme/teams/"))
    assert [team["slug"] for team in teams] == ["team-a"]


def test_it_paginates_lists_with_limit_and_offset(world):
    page = world.client("admin").get("/api/v1/orgs/acme/teams/?limit=2&offset=1").json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert page["previous"] is not None and page["next"] is None


def test_it_lists_waves_with_their_state_and_filters_by_state(world):
    waves = {w["name"]: w for w in results(world.client("member_a").get("/api/v1/orgs/acme/waves/"))}
    assert {name: wave["state"] for name, wave in waves.items()} == {"Spring": "closed", "Autumn": "open", "Winter": "scheduled"}
    assert waves["Autumn"]["teams"] == [world.team_a.pk]
    assert [w["name"] for w in results(world.client("admin").get("/api/v1/orgs/acme/waves/?state=open"))] == ["Autumn"]
    detail = world.client("admin").get(f"/api/v1/orgs/acme/waves/{world.wave.pk}/").json()
    assert sorted(detail["teams"]) == sorted([world.team_a.pk, world.team_b.pk, world.team_p.pk])


def test_it_serves_each_teams_newest_scores_and_a_waves_scores(world):
    newest = results(world.client("admin").get("/api/v1/orgs/acme/scores/?limit=1000"))
    assert {(row["team_id"], row["wave_id"]) for row in newest} == {
        (world.team_a.pk, world.wave.pk),
        (world.team_b.pk, world.wave.pk),
        (world.team_p.pk, world.wave.pk),
    }
    spring = results(world.client("admin").get(f"/api/v1/orgs/acme/scores/?wave={world.closed_wave.pk}"))
    assert {(row["team_id"], row["level"]) for row in spring} == {(world.team_a.pk, 1)}
    assert [row["aspect"] for row in spring] == ASPECTS


def test_it_filters_scores_by_team_kind_and_aspect(world):
    rows = results(world.client("viewer").get("/api/v1/orgs/acme/scores/?kind=platform&aspect=adoption"))
    assert [(row["team_id"], row["aspect"], row["level"]) for row in rows] == [(world.team_p.pk, "adoption", 3)]
    rows = results(world.client("viewer").get(f"/api/v1/orgs/acme/scores/?team={world.team_b.pk}&aspect=investment"))
    assert [(row["team_id"], row["score"], row["target_level"]) for row in rows] == [(world.team_b.pk, 3.0, 4)]


def test_it_serves_a_teams_score_history_across_waves_oldest_first(world):
    history = results(world.client("member_a").get(f"/api/v1/orgs/acme/teams/{world.team_a.pk}/scores/?aspect=investment"))
    assert [(row["wave_id"], row["level"]) for row in history] == [(world.closed_wave.pk, 1), (world.wave.pk, 2)]
    assert all(row["rubric_version"] for row in history)


def test_it_hides_small_anonymous_team_results(world):
    world.wave.anonymous, world.wave.min_responses = True, 3
    world.wave.save(update_fields=["anonymous", "min_responses"])
    rows = results(world.client("admin").get(f"/api/v1/orgs/acme/scores/?wave={world.wave.pk}"))
    assert rows == []
    history = results(world.client("member_a").get(f"/api/v1/orgs/acme/teams/{world.team_a.pk}/scores/"))
    assert {row["wave_id"] for row in history} == {world.closed_wave.pk}
    assert ScoreSnapshot.objects.filter(wave=world.wave).exists()


def test_it_serves_a_teams_current_evidence_and_signals(world):
    client = world.client("lead_a")
    evidence = results(client.get(f"/api/v1/orgs/acme/teams/{world.team_a.pk}/evidence/"))
    assert [(e["rule_key"], e["aspect"], e["level"]) for e in evidence] == [("rule.ci.pipeline", "operations", 3)]
    signals = results(client.get(f"/api/v1/orgs/acme/teams/{world.team_a.pk}/signals/?key=ci."))
    assert [s["key"] for s in signals] == ["ci.pipeline"]
    assert evidence[0]["signal_ids"] == [signals[0]["id"]]
    assert results(client.get(f"/api/v1/orgs/acme/teams/{world.team_a.pk}/evidence/?aspect=adoption")) == []


def test_it_lists_collection_runs_of_visible_teams(world):
    runs = results(world.client("member_b").get("/api/v1/orgs/acme/runs/"))
    assert {run["team_id"] for run in runs} == {world.team_b.pk}
    assert len(results(world.client("admin").get("/api/v1/orgs/acme/runs/?status=ok"))) == 2


def test_the_gap_report_shows_target_perception_and_cooperation_gaps(world):
    report = world.client("admin").get(f"/api/v1/orgs/acme/reports/gaps/?wave={world.wave.pk}").json()
    assert report["wave_id"] == world.wave.pk
    assert {(row["team_id"], row["gap"]) for row in report["target_gaps"] if row["aspect"] == "investment"} == {
        (world.team_a.pk, 1),
        (world.team_b.pk, 1),
        (world.team_p.pk, 1),
    }
    perception = {row["aspect"]: row for row in report["perception_gaps"]}
    assert perception["investment"]["provider_id"] == world.team_p.pk
    assert perception["investment"]["consumer_score"] == 2.5 and perception["investment"]["gap"] == 0.5
    data = next(row for row in report["cooperation"] if row["capability"] == "data")
    assert (data["demand"], data["supply"], data["unmet"], data["delivery_ticket"]) == (2, 0, 2, 2)
    assert {(row["team_id"], row["reason"]) for row in report["unmet_needs"]} == {
        (world.team_a.pk, "no_provider"),
        (world.team_b.pk, "no_provider"),
    }


def test_the_gap_report_of_a_member_uses_only_their_own_team(world):
    report = world.client("member_b").get("/api/v1/orgs/acme/reports/gaps/").json()
    assert {row["team_id"] for row in report["target_gaps"]} == {world.team_b.pk}
    assert report["perception_gaps"] == []
    assert {row["team_id"] for row in report["unmet_needs"]} == {world.team_b.pk}
    assert next(row for row in report["cooperation"] if row["capability"] == "data")["demand"] == 1


def test_the_trend_report_follows_the_organization_a_group_or_a_team(world):
    client = world.client("admin")
    org = client.get("/api/v1/orgs/acme/reports/trends/?aspect=investment").json()
    assert org["scope"] == "organization"
    assert [(p["wave"], p["teams"]) for p in org["points"]] == [("Spring", 1), ("Autumn", 3)]
    team = client.get(f"/api/v1/orgs/acme/reports/trends/?scope=team&key={world.team_a.pk}&aspect=investment").json()
    assert [(p["wave"], p["level"]) for p in team["points"]] == [("Spring", 1), ("Autumn", 2)]
    group_id = world.team_a.group_id
    group = client.get(f"/api/v1/orgs/acme/reports/trends/?scope=group&key={group_id}&aspect=investment").json()
    assert [p["teams"] for p in group["points"]] == [1, 2]


def test_the_gap_report_copes_with_needs_nobody_said_how_they_get(world):
    wave = make_wave(world.org, world.instrument, "Extra", opens=-1, closes=5)
    raw = answers_for(world.instrument.spec(), "app_developer", level=2, capabilities={"cap.data.need": "need_yes"})
    submit(invite(wave, world.team_a, "app_developer"), raw)
    report = world.client("admin").get(f"/api/v1/orgs/acme/reports/gaps/?wave={wave.pk}")
    assert report.status_code == 200
    assert [(row["team_id"], row["capability"], row["reason"]) for row in report.json()["unmet_needs"]] == [
        (world.team_a.pk, "data", "no_provider")
    ]
