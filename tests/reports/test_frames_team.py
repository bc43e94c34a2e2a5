from datetime import UTC, datetime

import pandas as pd

from reports.frames.team import evidence_by_aspect, evidence_table, profile_cards, team_profile
from tests.reports.build import ASPECTS, score, scores


def test_it_gives_current_target_and_evidenced_level_per_aspect():
    profile = team_profile(
        scores(
            score(1, "investment", 2.4, target_level=3, gap=1, evidence_floor=3, evidence_items=2, status="under_claim"),
            score(1, "adoption", 3.6, target_level=4, gap=0),
        ),
        ASPECTS,
    )

    assert list(profile["aspect"]) == ASPECTS
    investment = profile.set_index("aspect").loc["investment"]
    assert (investment["level"], investment["target_level"], investment["evidenced_level"]) == (2, 3, 3)
    assert pd.isna(profile.set_index("aspect").loc["adoption", "evidenced_level"])
    assert profile.set_index("aspect").loc["operations"].isna().all()


def test_it_turns_missing_values_into_none_for_cards():
    cards = profile_cards(team_profile(scores(score(1, "investment", 2.4, target_level=3)), ASPECTS))

    assert cards[0]["level"] == 2 and cards[0]["target_level"] == 3
    assert cards[0]["evidenced_level"] is None
    assert cards[1]["level"] is None


def test_it_groups_evidence_by_aspect_strongest_first_with_signal_ids():
    seen = datetime(2026, 3, 1, tzinfo=UTC)
    evidence = pd.DataFrame(
        [
            {"team_id": 1, "aspect": "interfaces", "level": 2, "direction": "supports", "weight": 1.0, "rule_key": "a",
             "rules_version": "1", "explanation": "Templates exist", "observed_at": seen, "signal_ids": [7]},
            {"team_id": 1, "aspect": "interfaces", "level": 3, "direction": "supports", "weight": 1.0, "rule_key": "b",
             "rules_version": "1", "explanation": "Self-service APIs", "observed_at": seen, "signal_ids": [8, 9]},
        ]
    )  # fmt: skip

    grouped = evidence_by_aspect(evidence, ASPECTS)

    assert [item["explanation"] for item in grouped["interfaces"]] == ["Self-service APIs", "Templates exist"]
    assert grouped["interfaces"][0]["signal_ids"] == [8, 9]
    assert grouped["investment"] == []
    assert list(evidence_table(evidence)["signal_ids"]) == ["7", "8 9"]
