"""The rules view: each rule with the teams it fired for by outcome, which teams, and its history across runs."""

import csv
import io
from datetime import timedelta

import pandas as pd
import pytest
from django.urls import reverse

from collectors.waivers import waiver_create
from reports.frames.rules import rule_history, rules_table
from tests.reports.evidence_build import evaluation
from tests.reports.factories import NOW

UP, DOWN = "adoption-gitops-managed-workloads", "adoption-hand-applied-workloads"


@pytest.fixture
def fired(world):
    """Over two days: teams[1] first without evidence against it, then with; teams[2] with it, waived; teams[3] supported."""
    one, two, three = world.teams[1], world.teams[2], world.teams[3]
    evaluation(one, ("adoption", 3, "supports", UP), when=NOW - timedelta(days=1))
    evaluation(one, ("adoption", 2, "contradicts", DOWN), ("adoption", 3, "supports", UP))
    evaluation(two, ("adoption", 2, "contradicts", DOWN), when=NOW - timedelta(days=1))
    evaluation(three, ("adoption", 3, "supports", UP), when=NOW - timedelta(days=1))
    waiver_create(team=two, rule_key=DOWN, reason="Vendor jobs, applied as shipped.", by=world.admin)
    return world


def rows_by_key(response):
    return {row["rule_key"]: row for row in response.context["data"].rows}


def test_each_rule_counts_its_teams_by_outcome_and_names_them(client, fired):
    client.force_login(fired.admin)

    response = client.get(reverse("reports:rules"))

    assert response.status_code == 200
    rows = rows_by_key(response)
    down, up = rows[DOWN], rows[UP]
    assert (down["supports"], down["contradicts"], down["waived"], down["unknown"]) == (0, 1, 1, 0)
    assert [(team["team"], team["outcome"]) for team in down["teams"]] == [
        (fired.teams[1].name, "contradicts"),
        (fired.teams[2].name, "waived"),
    ]
    assert down["teams"][1]["waiver_reason"] == "Vendor jobs, applied as shipped."
    assert up["supports"] == 2
    never = next(row for row in response.context["data"].rows if row["rule_key"] == "measurement-developer-slos")
    assert never["teams"] == [] and never["supports"] + never["contradicts"] + never["waived"] + never["unknown"] == 0
    body = response.content.decode()
    assert f'id="rule-{DOWN}"' in body and "Vendor jobs, applied as shipped." in body


def test_the_history_follows_each_teams_newest_evaluation_day_by_day(client, fired):
    client.force_login(fired.admin)

    rows = rows_by_key(client.get(reverse("reports:rules")))

    assert [(point["day"], point["contradicts"]) for point in rows[DOWN]["history"]] == [
        ((NOW - timedelta(days=1)).date(), 1),
        (NOW.date(), 2),
    ]
    assert [point["supports"] for point in rows[UP]["history"]] == [2, 2]


def test_the_outcome_filter_keeps_rules_that_fired_so(client, fired):
    client.force_login(fired.admin)

    rows = rows_by_key(client.get(reverse("reports:rules") + "?outcome=waived"))

    assert list(rows) == [DOWN]
    assert client.get(reverse("reports:rules") + "?outcome=maybe").status_code == 400


def test_the_csv_lists_each_rule_with_its_counts_and_teams(client, fired):
    client.force_login(fired.admin)

    text = client.get(reverse("reports:rules") + "?download=rules").content.decode()

    rows = {row["Rule"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows[DOWN]["Teams: contradicts"] == "1" and rows[DOWN]["Teams: waived"] == "1"
    assert "(waived: Vendor jobs, applied as shipped.)" in rows[DOWN]["Which teams"]
    history = list(csv.DictReader(io.StringIO(client.get(reverse("reports:rules") + "?download=history").content.decode())))
    assert {row["Rule"] for row in history} >= {DOWN, UP}


def test_only_admins_of_the_organization_see_it(client, fired):
    for user in (fired.lead, fired.member):
        client.force_login(user)
        assert client.get(reverse("reports:rules")).status_code == 403
    client.force_login(fired.lead)
    assert client.get(f"/api/v1/orgs/{fired.organization.slug}/reports/rules/").status_code == 403
    client.force_login(fired.outsider)
    assert client.get(f"/api/v1/orgs/{fired.organization.slug}/reports/rules/").status_code == 404


def test_the_api_gives_the_same_counts_teams_and_history(client, fired):
    client.force_login(fired.admin)

    body = client.get(f"/api/v1/orgs/{fired.organization.slug}/reports/rules/?page_size=100").json()

    rows = {row["rule_key"]: row for row in body["results"]}
    down = rows[DOWN]
    assert (down["contradicts"], down["waived"], down["in_use"]) == (1, 1, True)
    assert [team["outcome"] for team in down["teams"]] == ["contradicts", "waived"]
    assert [point["fired"] for point in down["history"]] == [1, 2]
    assert client.get(f"/api/v1/orgs/{fired.organization.slug}/reports/rules/?outcome=nope").status_code == 400


def test_the_page_and_api_take_a_constant_number_of_queries(client, fired, django_assert_max_num_queries):
    client.force_login(fired.admin)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("reports:rules"))
    for team in fired.teams[4:]:
        evaluation(team, ("adoption", 2, "contradicts", DOWN))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:rules"))


def test_rules_no_longer_in_use_still_show_while_current_evidence_holds_them():
    rules = pd.DataFrame(
        [("a", "adoption", 2, "supports", "", "A", "1", True)],
        columns=["rule_key", "aspect", "level", "direction", "team_kinds", "explanation", "rules_version", "in_use"],
    )
    evidence = pd.DataFrame(
        [(1, "old", "investment", 2, "contradicts", "Old", False, ""), (1, "a", "adoption", 2, "supports", "A", True, "why")],
        columns=["team_id", "rule_key", "aspect", "level", "direction", "explanation", "waived", "waiver_reason"],
    )
    teams = pd.DataFrame({"team_id": [1], "team": ["Checkout"]})

    table = rules_table(rules, evidence, teams).set_index("rule_key")

    assert bool(table.loc["old", "in_use"]) is False and table.loc["old", "contradicts"] == 1
    assert table.loc["a", "waived"] == 1 and table.loc["a", "supports"] == 0


def test_an_empty_history_has_its_columns():
    empty = pd.DataFrame(columns=["evaluation_id", "team_id", "evaluated_at"])
    assert list(rule_history(empty, pd.DataFrame(columns=["evaluation_id", "rule_key", "direction"])).columns) == [
        "day", "rule_key", "supports", "contradicts", "unknown", "fired",
    ]  # fmt: skip
