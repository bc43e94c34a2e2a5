import pandas as pd

from reports.frames.heatmap import heatmap_frame, heatmap_rows, response_rates
from tests.reports.build import ASPECTS, score, scores, teams, waves

TEAMS = teams((1, "Checkout", "application", 1), (2, "Platform", "platform", None), (3, "Billing", "application", 1))


def test_it_puts_providers_first_and_keeps_teams_without_answers():
    heat = heatmap_frame(scores(score(1, "investment", 2.5), score(2, "investment", 3.2)), TEAMS, ASPECTS)

    assert list(dict.fromkeys(heat["team"])) == ["Platform", "Billing", "Checkout"]
    assert len(heat) == 3 * len(ASPECTS)
    billing = heat[heat["team"] == "Billing"]
    assert billing["level"].isna().all()
    checkout = heat[(heat["team"] == "Checkout") & (heat["aspect"] == "investment")].iloc[0]
    assert (checkout["level"], checkout["score"]) == (3, 2.5)


def test_it_marks_disagreement_over_claims_low_confidence_and_unverified():
    heat = heatmap_frame(
        scores(
            score(1, "investment", 3.0, disagreement=True, status="over_claim"),
            score(1, "adoption", 2.0, confidence_label="low", unverified=True),
            score(1, "interfaces", 2.0),
        ),
        TEAMS,
        ASPECTS,
    )
    marks = heat[heat["team_id"] == 1].set_index("aspect")["marks"]

    assert marks["investment"] == "!▲"
    assert marks["adoption"] == "?*"
    assert marks["interfaces"] == ""


def test_it_gives_table_rows_with_cells_in_aspect_order():
    rows = heatmap_rows(heatmap_frame(scores(score(1, "operations", 1.2)), TEAMS, ASPECTS))

    checkout = next(row for row in rows if row["team"] == "Checkout")
    assert [cell["aspect"] for cell in checkout["cells"]] == ASPECTS
    assert checkout["cells"][3]["level"] == 1
    assert checkout["answered"] is True
    assert next(row for row in rows if row["team"] == "Billing")["answered"] is False


def test_it_computes_response_rates_per_wave_newest_first():
    participation = pd.DataFrame(
        [
            {"wave_id": 1, "team_id": 1, "invited": True, "invitations": 3, "submitted": 2, "drafts": 1},
            {"wave_id": 1, "team_id": 2, "invited": True, "invitations": 2, "submitted": 0, "drafts": 0},
            {"wave_id": 1, "team_id": 3, "invited": False, "invitations": 0, "submitted": 1, "drafts": 0},
            {"wave_id": 2, "team_id": 1, "invited": True, "invitations": 1, "submitted": 1, "drafts": 0},
        ]
    )
    rates = response_rates(participation, waves((1, "Spring", 0), (2, "Autumn", 100), (3, "Next", 200)))

    assert list(rates["wave"]) == ["Next", "Autumn", "Spring"]
    spring = rates.set_index("wave").loc["Spring"]
    assert (spring["invited_teams"], spring["answered_teams"], spring["submitted"]) == (2, 2, 3)
    assert spring["team_rate"] == 0.5  # the uninvited team that answered does not raise the rate
    assert spring["response_rate"] == 0.6
    assert pd.isna(rates.set_index("wave").loc["Next", "team_rate"])
