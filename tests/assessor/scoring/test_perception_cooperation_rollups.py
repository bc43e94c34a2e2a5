import pandas as pd

from assessor.scoring.claims import team_claims
from assessor.scoring.cooperation import cooperation_matrix, unmet_needs
from assessor.scoring.perception import perception_gaps
from assessor.scoring.rollups import rollup
from tests.assessor.scoring.build import capability, frame, maturity

PLATFORM, SHOP, BILLING = 10, 1, 2
LINKS = pd.DataFrame({"consumer_id": [SHOP, BILLING], "provider_id": [PLATFORM, PLATFORM]})


def test_a_platform_rating_itself_above_its_consumers_shows_a_positive_gap():
    answers = frame(
        maturity(1, "interfaces", [4, 3], team_id=PLATFORM),  # 3.5
        maturity(2, "interfaces", [3, 3], team_id=PLATFORM, perspective="consumers"),  # expects 3.0
        maturity(3, "interfaces", [2, 2], team_id=SHOP),  # 2.0
        maturity(4, "interfaces", [1, 1], team_id=BILLING),  # 1.0
        maturity(5, "interfaces", [2, 2], team_id=BILLING),  # 2.0 -> billing 1.5 with 2 respondents
    )
    gaps = perception_gaps(team_claims(answers), team_claims(answers, perspective="consumers"), LINKS)
    row = gaps.iloc[0]
    assert row["provider_id"] == PLATFORM
    assert row["provider_score"] == 3.5
    assert row["consumer_score"] == 1.67  # (2.0 * 1 + 1.5 * 2) / 3
    assert row["consumer_respondents"] == 3
    assert row["consumer_teams"] == 2
    assert row["gap"] == 1.83
    assert row["expected_consumer_score"] == 3.0
    assert row["expectation_gap"] == 1.33


def test_no_links_means_no_perception_rows():
    answers = frame(maturity(1, "interfaces", [4], team_id=PLATFORM))
    assert perception_gaps(team_claims(answers), team_claims(answers, perspective="consumers"), LINKS.iloc[0:0]).empty


def cooperation_answers():
    return frame(
        capability(1, "data", "need", "need_yes", team_id=SHOP),
        capability(1, "data", "delivery", "ticket", team_id=SHOP),
        capability(1, "data", "wait", "weeks", team_id=SHOP),
        capability(2, "data", "need", "need_yes", team_id=BILLING),
        capability(2, "data", "delivery", "self_service", team_id=BILLING),
        capability(2, "data", "wait", "hours", team_id=BILLING),
        capability(3, "observability", "need", "need_yes", team_id=SHOP),
        capability(3, "observability", "delivery", "not_available", team_id=SHOP),
        capability(4, "messaging", "need", "need_no", team_id=BILLING),
        capability(9, "data", "provide", "provide_yes", team_id=PLATFORM),
        capability(9, "data", "interface", "self_service", team_id=PLATFORM),
        capability(9, "observability", "provide", "provide_yes", team_id=PLATFORM),
        capability(9, "security", "provide", "provide_no", team_id=PLATFORM),
    )


def test_the_matrix_counts_demand_supply_modes_and_waits():
    matrix = cooperation_matrix(cooperation_answers(), LINKS).set_index("capability")
    assert matrix.loc["data", "demand"] == 2
    assert matrix.loc["data", "supply"] == 1
    assert matrix.loc["data", "delivery_ticket"] == 1
    assert matrix.loc["data", "delivery_self_service"] == 1
    assert matrix.loc["data", "wait_weeks"] == 1
    assert matrix.loc["data", "typical_wait"] == "hours"
    assert matrix.loc["data", "unmet"] == 0
    assert matrix.loc["observability", "unmet"] == 1
    assert "messaging" not in matrix.index  # nobody needs or provides it


def test_unmet_needs_name_the_team_and_the_reason():
    extra = frame(capability(5, "security", "need", "need_yes", team_id=BILLING))
    unmet = unmet_needs(pd.concat([cooperation_answers(), extra]), LINKS)
    assert set(zip(unmet["team_id"], unmet["capability"], unmet["reason"], strict=True)) == {
        (SHOP, "observability", "not_available"),
        (BILLING, "security", "no_provider"),
    }


def test_evidence_that_a_capability_exists_is_marked():
    evidenced = pd.DataFrame({"team_id": [PLATFORM], "capability": ["data"]})
    matrix = cooperation_matrix(cooperation_answers(), LINKS, evidenced).set_index("capability")
    assert bool(matrix.loc["data", "evidenced"]) is True
    assert bool(matrix.loc["observability", "evidenced"]) is False


def test_rollups_weigh_teams_by_respondents():
    answers = frame(
        maturity(1, "adoption", [4], team_id=1),
        maturity(2, "adoption", [1], team_id=2),
        maturity(3, "adoption", [1], team_id=2),
        maturity(4, "adoption", [2], team_id=3),
    )
    teams = pd.DataFrame({"team_id": [1, 2, 3], "kind": ["application", "application", "platform"]})
    result = rollup(team_claims(answers), teams, by="kind").set_index("key")
    assert result.loc["application", "score"] == 2.0  # (4 * 1 + 1 * 2) / 3
    assert result.loc["application", "teams"] == 2
    assert result.loc["application", "respondents"] == 3
    assert result.loc["application", "spread"] == 3.0
    assert result.loc["platform", "level"] == 2


def test_teams_without_a_group_are_left_out_of_group_rollups():
    answers = frame(maturity(1, "adoption", [4], team_id=1), maturity(2, "adoption", [1], team_id=2))
    teams = pd.DataFrame({"team_id": [1, 2], "group_id": [7, None]})
    result = rollup(team_claims(answers), teams, by="group_id")
    assert list(result["key"]) == [7]


def test_needs_without_any_delivery_or_wait_answers_still_count():
    answers = frame(
        capability(1, "data", "need", "need_yes", team_id=SHOP), capability(9, "data", "provide", "provide_no", team_id=PLATFORM)
    )
    unmet = unmet_needs(answers, LINKS)
    assert list(zip(unmet["team_id"], unmet["reason"], strict=True)) == [(SHOP, "no_provider")]
    matrix = cooperation_matrix(answers, LINKS).set_index("capability")
    assert matrix.loc["data", "demand"] == 1
    assert matrix.loc["data", "unmet"] == 1
    assert matrix.loc["data", "typical_wait"] is None
