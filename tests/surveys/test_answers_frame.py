import math

import pytest
from django.utils import timezone

from assessor.scoring.claims import team_claims
from assessor.scoring.frames import ANSWER_COLUMNS
from surveys.selectors import answers_frame, team_result
from surveys.services import response_save, response_submit

pytestmark = pytest.mark.django_db

ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}


def submit(invitation, **raw):
    return response_submit(invitation=invitation, version=0, raw={**ABOUT, **raw}, now=timezone.now()).response


def test_the_frame_has_exactly_the_scoring_columns_even_when_empty(wave):
    frame = answers_frame(wave_ids=[wave.pk])
    assert tuple(frame.columns) == ANSWER_COLUMNS
    assert frame.empty


def test_the_frame_is_read_in_three_queries_whatever_the_size(invite, django_assert_num_queries):
    """A narrow read: the answers, their responses and their questions, each once."""
    for slug in ("checkout", "catalog", "billing"):
        submit(invite(slug), **{"investment.funding": "volunteers", "cap.data.need": "need_yes"})
    with django_assert_num_queries(3):
        frame = answers_frame()
    assert len(frame) == 3 * 4
    submit(invite("mobile"), **{"investment.funding": "volunteers", "cap.data.need": "need_yes"})
    with django_assert_num_queries(3):
        assert len(answers_frame()) == 4 * 4


def test_rows_carry_values_levels_and_question_metadata(invite):
    response = submit(
        invite(),
        **{
            "investment.funding": "product_team",
            "investment.roles": "na",
            "target.investment": "3",
            "cap.data.need": "need_yes",
            "cap.data.delivery": "ticket",
            "feedback.satisfaction": 7,
            "coop.pains": "Tickets, tickets",
        },
    )
    frame = answers_frame(wave_ids=[response.wave_id], team_ids=[response.team_id]).set_index("question_key")
    funding = frame.loc["investment.funding"]
    assert (funding["qtype"], funding["aspect"], funding["perspective"], funding["value"], funding["level"]) == (
        "single_choice",
        "investment",
        "self",
        "product_team",
        3.0,
    )
    assert math.isnan(frame.loc["investment.roles", "level"])
    assert frame.loc["target.investment", "value"] == "3" and frame.loc["target.investment", "level"] == 3.0
    assert frame.loc["cap.data.delivery", "capability"] == "data"
    assert math.isnan(frame.loc["cap.data.delivery", "level"])
    assert frame.loc["feedback.satisfaction", "value"] == "7"
    assert frame.loc["coop.pains", "value"] == "Tickets, tickets"
    assert frame["role"].unique().tolist() == ["app_developer"]
    assert frame["level"].dtype == "float64" and frame["wave_id"].dtype == "int64"


def test_multi_choice_values_are_comma_joined(wave):
    from surveys.answers import check_value
    from surveys.instruments import parse_instrument

    spec = parse_instrument(
        {
            "key": "multi",
            "version": 1,
            "title": "Multi",
            "sections": [
                {
                    "key": "s",
                    "title": "S",
                    "questions": [
                        {
                            "key": "tools",
                            "type": "multi_choice",
                            "text": "Tools?",
                            "options": [{"value": "argo", "label": "Argo"}, {"value": "flux", "label": "Flux"}],
                        }
                    ],
                }
            ],
        }
    )
    assert check_value(spec.question("tools"), ["flux", "argo"], text_limit=10).text == "argo,flux"


def test_drafts_are_left_out_unless_asked_for(invite):
    invitation = invite()
    response_save(invitation=invitation, version=0, raw={"investment.funding": "volunteers"}, now=timezone.now())
    assert answers_frame().empty
    assert len(answers_frame(submitted_only=False)) == 1


def test_filters_by_wave_and_team(invite, closed_wave):
    submit(invite("checkout"), **{"investment.funding": "volunteers"})
    submit(invite("catalog"), **{"investment.funding": "volunteers"})
    checkout = invite("checkout").team_id
    assert set(answers_frame(team_ids=[checkout])["team_id"]) == {checkout}
    assert answers_frame(wave_ids=[closed_wave.pk]).empty


def test_team_claims_read_the_frame(invite):
    levels = {"adoption.discovery": "self_search", "adoption.motivation": "easier"}
    submit(invite(), **levels)
    submit(invite(), **{"adoption.discovery": "by_chance", "adoption.motivation": "na"})
    claims = team_claims(answers_frame())
    row = claims[claims["aspect"] == "adoption"].iloc[0]
    assert (row["score"], row["respondents"], bool(row["disagreement"])) == (2.0, 2, True)


def test_anonymous_team_results_wait_for_the_minimum(invite, wave):
    wave.anonymous = True
    wave.min_responses = 3
    wave.save(update_fields=["anonymous", "min_responses"])
    first = submit(invite(), **{"adoption.discovery": "self_search"})
    result = team_result(wave=wave, team=first.team, response=first)
    assert not result.team_visible and result.more_needed == 2
    adoption = next(a for a in result.aspects if a.aspect == "adoption")
    assert adoption.own_score == 3.0 and adoption.team_score is None
    submit(invite(), **{"adoption.discovery": "told_to"})
    submit(invite(), **{"adoption.discovery": "told_to"})
    result = team_result(wave=wave, team=first.team, response=first)
    assert result.team_visible and result.more_needed == 0
    adoption = next(a for a in result.aspects if a.aspect == "adoption")
    assert adoption.team_score == 2.33 and adoption.respondents == 3
