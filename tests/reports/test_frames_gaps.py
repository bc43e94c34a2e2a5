import pandas as pd

from reports.frames.gaps import perception_frame, perception_table, target_gaps
from tests.assessor.scoring.build import frame, maturity
from tests.reports.build import ASPECTS, score, scores, teams

TEAMS = teams((1, "Checkout", "application", 1), (2, "Platform", "platform", None), (3, "Billing", "application", 1))


def test_it_ranks_target_gaps_widest_first_then_by_confidence():
    gaps = target_gaps(
        scores(
            score(1, "investment", 1.2, target_level=3, gap=2, confidence_label="low"),
            score(3, "investment", 1.0, target_level=3, gap=2, confidence_label="high"),
            score(3, "adoption", 2.0, target_level=3, gap=1),
            score(1, "adoption", 3.0, target_level=3, gap=0),
        ),
        TEAMS,
        ASPECTS,
    )

    assert list(zip(gaps["team"], gaps["aspect"], gaps["gap"], strict=True)) == [
        ("Billing", "investment", 2),
        ("Checkout", "investment", 2),
        ("Billing", "adoption", 1),
    ]


def test_it_leaves_out_gaps_of_teams_the_reader_cannot_see():
    gaps = target_gaps(scores(score(3, "investment", 1.0, target_level=3, gap=2)), TEAMS[TEAMS["team_id"] == 1], ASPECTS)

    assert gaps.empty


def test_it_sets_a_platform_teams_own_view_beside_its_consumers_view():
    claims = scores(
        score(2, "interfaces", 3.5, respondents=2),
        score(1, "interfaces", 2.0, respondents=3),
        score(3, "interfaces", 3.0, respondents=1),
    )
    guesses = frame(maturity(10, "interfaces", [3, 3], team_id=2, perspective="consumers"))
    links = pd.DataFrame({"consumer_id": [1, 3], "provider_id": [2, 2]})

    table = perception_table(perception_frame(claims, guesses, links), TEAMS, ASPECTS)

    row = table.iloc[0]
    assert (row["team"], row["provider_score"], row["consumer_score"]) == ("Platform", 3.5, 2.25)
    assert row["gap"] == 1.25
    assert row["consumer_teams"] == 2
    assert row["expected_consumer_score"] == 3.0
