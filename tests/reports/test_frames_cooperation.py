import pandas as pd

from assessor.scoring.cooperation import cooperation_matrix, unmet_needs
from reports.frames.cooperation import (
    NO_CAPABILITY_NAME,
    cooperation_frames,
    delivery_modes,
    demand_supply,
    free_text_by_capability,
    unmet_table,
    wait_times,
)
from tests.assessor.scoring.build import capability, frame
from tests.reports.build import teams

TEAMS = teams((1, "Checkout", "application", 1), (2, "Platform", "platform", None), (3, "Billing", "application", 1))
NAMES = {"web_portals": "Web portals", "data": "Data services", "security": "Security services"}
LINKS = pd.DataFrame({"consumer_id": [1, 3], "provider_id": [2, 2]})


def text(response_id: int, key: str, value: str, *, team_id: int) -> list[dict]:
    return [
        {"wave_id": 1, "team_id": team_id, "response_id": response_id, "role": "app_developer", "question_key": key,
         "qtype": "text", "aspect": None, "perspective": "self", "capability": None, "value": value, "level": float("nan")}
    ]  # fmt: skip


ANSWERS = frame(
    capability(1, "data", "need", "need_yes", team_id=1),
    capability(1, "data", "delivery", "ticket", team_id=1),
    capability(1, "data", "wait", "weeks", team_id=1),
    capability(1, "security", "need", "need_yes", team_id=1),
    capability(1, "security", "delivery", "self_service", team_id=1),
    capability(2, "data", "need", "need_yes", team_id=3),
    capability(2, "data", "delivery", "not_available", team_id=3),
    capability(3, "data", "provide", "provide_yes", team_id=2),
    text(1, "coop.pains", "Databases take weeks", team_id=1),
    text(1, "coop.suggestions", "=HYPERLINK(x) a portal", team_id=1),
    text(4, "coop.pains", "Nobody answers tickets", team_id=3),
    text(5, "coop.pains", "Hidden team text", team_id=9),
)


def test_it_sets_demand_beside_supply_per_capability_in_the_white_papers_order():
    demand = demand_supply(cooperation_matrix(ANSWERS, LINKS), NAMES)

    assert list(demand["name"]) == ["Data services", "Security services"]
    data = demand.set_index("capability").loc["data"]
    assert (data["demand"], data["supply"], data["unmet"]) == (2, 1, 1)
    assert data["self_service_share"] == 0
    security = demand.set_index("capability").loc["security"]
    assert (security["supply"], security["unmet"], security["self_service_share"]) == (0, 1, 1.0)


def test_it_counts_delivery_modes_and_waits_in_long_form():
    matrix = cooperation_matrix(ANSWERS, LINKS)
    delivery = delivery_modes(matrix, NAMES)
    waits = wait_times(matrix, NAMES)

    data = delivery[delivery["capability"] == "data"].set_index("delivery")["answers"]
    assert (data["ticket"], data["not_available"], data["self_service"]) == (1, 1, 0)
    assert delivery[delivery["capability"] == "data"]["label"].iloc[0] == "Ticket or manual request"
    assert waits[(waits["capability"] == "data") & (waits["wait"] == "weeks")]["answers"].iloc[0] == 1


def test_it_explains_unmet_needs_in_words_for_visible_teams_only():
    unmet = unmet_table(unmet_needs(ANSWERS, LINKS), TEAMS[TEAMS["team_id"] != 1], NAMES)

    assert list(zip(unmet["team"], unmet["name"], unmet["reason"], strict=True)) == [
        ("Billing", "Data services", "The team says it is not offered to them")
    ]


def test_it_groups_pains_and_suggestions_under_the_capabilities_their_text_is_tagged_with():
    texts = free_text_by_capability(ANSWERS, TEAMS, NAMES)

    assert list(zip(texts["name"], texts["category"], texts["text"], strict=True)) == [
        ("Web portals", "suggestion", "=HYPERLINK(x) a portal"),
        ("Data services", "pain", "Databases take weeks"),
        (NO_CAPABILITY_NAME, "pain", "Nobody answers tickets"),
    ]
    assert texts[texts["capability"] == "security"].empty  # its writer needs security, but the text is not about it
    assert "Hidden team text" not in set(texts["text"])


def test_it_counts_a_pain_once_per_capability_it_names_not_once_per_need_of_its_team():
    answers = frame(
        *[capability(1, domain, "need", "need_yes", team_id=1) for domain in ("data", "web_portals", "security")],
        text(1, "coop.pains", "Every new database and its backups are a ticket to the DBA team", team_id=1),
        text(2, "coop.pains", "Object storage buckets take a week", team_id=3),
    )

    texts = free_text_by_capability(answers, TEAMS, {**NAMES, "infrastructure": "Infrastructure services"})

    assert list(zip(texts["capability"], texts["response_id"], strict=True)) == [("data", 1), ("infrastructure", 2)]


def test_it_lets_admins_decisions_take_away_and_add_capabilities():
    decisions = pd.DataFrame(
        [
            {"response_id": 1, "question_key": "coop.pains", "capability": "data", "status": "rejected"},
            {"response_id": 1, "question_key": "coop.pains", "capability": "security", "status": "added"},
            {"response_id": 4, "question_key": "coop.pains", "capability": "web_portals", "status": "confirmed"},
        ]
    )

    texts = free_text_by_capability(ANSWERS, TEAMS, NAMES, decisions)

    assert set(zip(texts["capability"], texts["text"], strict=True)) == {
        ("web_portals", "=HYPERLINK(x) a portal"),
        ("security", "Databases take weeks"),
        ("web_portals", "Nobody answers tickets"),
    }


def test_it_copes_with_needs_answered_without_any_delivery_or_wait():
    answers = frame(
        capability(1, "data", "need", "need_yes", team_id=1), capability(2, "data", "provide", "provide_yes", team_id=2)
    )

    matrix, unmet = cooperation_frames(answers, LINKS)

    assert list(zip(matrix["capability"], matrix["demand"], matrix["supply"], strict=True)) == [("data", 1, 1)]
    assert unmet.empty
