"""Checking raw answers and routing: pure functions over the bundled instrument, no database."""

import math

import pytest

from surveys import conf
from surveys.answers import (
    AnswerError,
    AnswersInvalid,
    check_answers,
    check_value,
    missing_required,
    rendered_keys,
    visible_keys,
)
from surveys.instruments import read_instrument_file

SPEC = read_instrument_file(conf.default_instrument_file())


def q(key):
    return SPEC.question(key)


def test_a_maturity_answer_carries_its_level_and_not_applicable_carries_none():
    assert check_value(q("investment.funding"), "product_team", text_limit=100).level == 3.0
    na = check_value(q("investment.funding"), "na", text_limit=100)
    assert na.value == "na" and na.level is None


def test_a_target_carries_the_target_in_its_level():
    answer = check_value(q("target.adoption"), "3", text_limit=100)
    assert (answer.value, answer.text, answer.level) == (3, "3", 3.0)


def test_empty_values_clear_the_answer():
    for empty in (None, "", "   ", []):
        assert check_value(q("coop.pains"), empty, text_limit=100) is None


def test_text_is_trimmed_and_limited():
    assert check_value(q("coop.pains"), "  slow tickets \r\n", text_limit=100).value == "slow tickets"
    with pytest.raises(AnswerError, match="100 characters or fewer"):
        check_value(q("coop.pains"), "x" * 101, text_limit=100)


@pytest.mark.parametrize("text", ["a\x00b", "\ud800"])
def test_text_that_cannot_be_stored_is_refused(text):
    with pytest.raises(AnswerError):
        check_value(q("coop.pains"), text, text_limit=100)


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("investment.funding", "level_9"),
        ("investment.funding", 3),
        ("investment.funding", ["product_team"]),
        ("feedback.satisfaction", "11"),
        ("feedback.satisfaction", 7.5),
        ("feedback.satisfaction", True),
        ("feedback.satisfaction", "seven"),
        ("target.investment", 5),
        ("target.investment", "0"),
        ("coop.pains", {"nested": "object"}),
        ("coop.pains", 12),
    ],
)
def test_values_that_do_not_fit_their_question_are_refused(key, raw):
    with pytest.raises(AnswerError):
        check_value(q(key), raw, text_limit=100)


def test_a_scale_accepts_whole_numbers_from_zero_to_ten():
    assert check_value(q("feedback.satisfaction"), "0", text_limit=10).value == 0
    assert check_value(q("feedback.satisfaction"), 10.0, text_limit=10).value == 10


def test_check_answers_reports_every_problem_at_once():
    with pytest.raises(AnswersInvalid) as caught:
        check_answers(
            SPEC, "app_developer", {"investment.funding": "nope", "feedback.satisfaction": "99", "no.such": "x"}, text_limit=10
        )
    assert set(caught.value.errors) == {"investment.funding", "feedback.satisfaction", ""}
    assert "Unknown question 'no.such'" in caught.value.errors[""]


def test_questions_of_another_role_are_not_accepted():
    with pytest.raises(AnswersInvalid, match="not part of this survey"):
        check_answers(SPEC, "app_developer", {"cap.data.provide": "provide_yes"}, text_limit=10)
    assert check_answers(SPEC, "platform_engineer", {"cap.data.provide": "provide_yes"}, text_limit=10)


def test_routing_shows_delivery_and_wait_only_when_the_need_is_yes():
    assert "cap.data.delivery" not in visible_keys(SPEC, "app_developer", {})
    assert "cap.data.delivery" not in visible_keys(SPEC, "app_developer", {"cap.data.need": "need_no"})
    shown = visible_keys(SPEC, "app_developer", {"cap.data.need": "need_yes"})
    assert {"cap.data.delivery", "cap.data.wait"} <= shown


def test_roles_filter_questions():
    app = visible_keys(SPEC, "app_developer", {})
    platform = visible_keys(SPEC, "platform_engineer", {})
    assert "cap.data.need" in app and "cap.data.need" not in platform
    assert "perception.adoption" in platform and "perception.adoption" not in app
    assert "investment.funding" in app and "investment.funding" in platform


def test_a_step_renders_routed_questions_whose_controller_is_on_the_same_step():
    keys = rendered_keys(SPEC, "app_developer", "cooperation", {})
    assert "cap.data.need" in keys and "cap.data.delivery" in keys
    assert "cap.data.provide" not in keys


def test_required_questions_are_listed_until_answered():
    assert {x.key for x in missing_required(SPEC, "manager", {})} == {"about.team_size", "about.tenure"}
    values = {"about.team_size": "size_1_5", "about.tenure": "years_1_3"}
    assert missing_required(SPEC, "manager", values) == []


def test_numbers_parse_from_text_and_stay_finite():
    from surveys.answers import _number

    assert _number("12") == 12
    assert _number(" 2.5 ") == 2.5
    assert _number(4.0) == 4 and isinstance(_number(4.0), int)
    for bad in ("nan", "inf", "1e400", float("nan"), math.inf, "12abc", True, 10**13):
        with pytest.raises(AnswerError):
            _number(bad)
