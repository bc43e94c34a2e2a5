from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.answers import AnswersInvalid
from surveys.models import Answer, Response
from surveys.selectors import answer_values
from surveys.services import StaleResponse, SurveyClosed, response_save, response_submit

pytestmark = pytest.mark.django_db

ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}


def now():
    return timezone.now()


def test_the_first_save_creates_a_draft_and_moves_the_version_on(invite):
    invitation = invite()
    result = response_save(
        invitation=invitation, version=0, raw={"investment.funding": "dedicated_team"}, now=now(), step="investment"
    )
    response = Response.objects.get()
    assert (response.status, response.version, response.last_step) == ("draft", 1, "investment")
    assert result.changed and result.answered == 1
    assert Answer.objects.get().level == 2.0


def test_saving_the_same_answers_again_changes_nothing(invite):
    invitation = invite()
    response_save(invitation=invitation, version=0, raw={"coop.pains": "Slow tickets"}, now=now())
    result = response_save(invitation=invitation, version=1, raw={"coop.pains": "Slow tickets"}, now=now())
    assert not result.changed
    assert Response.objects.get().version == 1


def test_a_save_based_on_an_older_version_is_refused_and_overwrites_nothing(invite):
    invitation = invite()
    response_save(invitation=invitation, version=0, raw={"coop.pains": "From tab one"}, now=now())
    response_save(invitation=invitation, version=1, raw={"coop.pains": "From tab two"}, now=now())
    with pytest.raises(StaleResponse) as caught:
        response_save(invitation=invitation, version=1, raw={"coop.pains": "Stale tab"}, now=now())
    assert caught.value.current_version == 2
    assert "changed in another tab or window" in str(caught.value)
    assert answer_values(Response.objects.get()) == {"coop.pains": "From tab two"}


def test_invalid_answers_leave_stored_answers_unchanged(invite):
    invitation = invite()
    response_save(invitation=invitation, version=0, raw={"coop.pains": "Kept", "investment.funding": "volunteers"}, now=now())
    with pytest.raises(AnswersInvalid):
        response_save(
            invitation=invitation, version=1, raw={"coop.pains": "Changed", "investment.funding": "not-an-option"}, now=now()
        )
    response = Response.objects.get()
    assert response.version == 1
    assert answer_values(response) == {"coop.pains": "Kept", "investment.funding": "volunteers"}


def test_an_empty_value_clears_an_answer(invite):
    invitation = invite()
    response_save(invitation=invitation, version=0, raw={"coop.pains": "Something"}, now=now())
    response_save(invitation=invitation, version=1, raw={"coop.pains": ""}, now=now())
    assert not Answer.objects.exists()


def test_routing_removes_answers_that_no_longer_apply(invite):
    invitation = invite()
    raw = {"cap.data.need": "need_yes", "cap.data.delivery": "ticket", "cap.data.wait": "weeks"}
    response_save(invitation=invitation, version=0, raw=raw, now=now())
    assert len(answer_values(Response.objects.get())) == 3
    response_save(invitation=invitation, version=1, raw={"cap.data.need": "need_no", "cap.data.delivery": "ticket"}, now=now())
    assert answer_values(Response.objects.get()) == {"cap.data.need": "need_no"}


def test_a_role_only_answers_its_own_questions(invite):
    with pytest.raises(AnswersInvalid):
        response_save(invitation=invite(role="app_developer"), version=0, raw={"perception.adoption": "easiest"}, now=now())
    provider = invite("developer-platform", "platform_engineer")
    response_save(invitation=provider, version=0, raw={"perception.adoption": "easiest"}, now=now())
    assert Answer.objects.get().question.key == "perception.adoption"


def test_submitting_records_one_submission_and_asks_for_a_rescore(invite, rescores):
    invitation = invite()
    first = response_submit(invitation=invitation, version=0, raw=ABOUT, now=now())
    assert first.submitted_now
    submitted_at = Response.objects.get().submitted_at
    again = response_submit(invitation=invitation, version=0, raw=ABOUT, now=now() + timedelta(minutes=1))
    assert not again.submitted_now and not again.missing
    response = Response.objects.get()
    assert response.status == "submitted" and response.submitted_at == submitted_at
    assert rescores == [{"team_ids": [invitation.team_id], "wave_ids": [invitation.wave_id]}]


def test_a_repeated_submit_with_different_answers_is_refused_as_stale(invite):
    invitation = invite()
    response_submit(invitation=invitation, version=0, raw=ABOUT, now=now())
    with pytest.raises(StaleResponse):
        response_submit(invitation=invitation, version=0, raw={**ABOUT, "about.tenure": "months_0_6"}, now=now())
    assert answer_values(Response.objects.get())["about.tenure"] == "years_1_3"


def test_submitting_with_required_answers_missing_keeps_the_draft_and_lists_them(invite, rescores):
    invitation = invite()
    result = response_submit(invitation=invitation, version=0, raw={"about.team_size": "size_1_5"}, now=now())
    assert not result.submitted_now
    assert [q.key for q in result.missing] == ["about.tenure"]
    response = Response.objects.get()
    assert response.status == "draft"
    assert answer_values(response) == {"about.team_size": "size_1_5"}
    assert rescores == []


def test_changing_a_submitted_response_keeps_it_submitted_and_asks_for_a_rescore(invite, rescores):
    invitation = invite()
    response_submit(invitation=invitation, version=0, raw=ABOUT, now=now())
    response_save(invitation=invitation, version=1, raw={"investment.funding": "ecosystem"}, now=now())
    assert Response.objects.get().status == "submitted"
    assert len(rescores) == 2


def test_a_submitted_response_cannot_lose_a_required_answer(invite):
    invitation = invite()
    response_submit(invitation=invitation, version=0, raw=ABOUT, now=now())
    with pytest.raises(AnswersInvalid, match="cannot be cleared"):
        response_save(invitation=invitation, version=1, raw={"about.tenure": None}, now=now())
    assert answer_values(Response.objects.get()) == ABOUT


def test_nothing_can_be_saved_once_the_wave_has_closed(invite, wave):
    invitation = invite()
    response_save(invitation=invitation, version=0, raw={"coop.pains": "Before closing"}, now=now())
    later = wave.closes_at + timedelta(seconds=1)
    with pytest.raises(SurveyClosed, match="closed on"):
        response_save(invitation=invitation, version=1, raw={"coop.pains": "After closing"}, now=later)
    with pytest.raises(SurveyClosed):
        response_submit(invitation=invitation, version=1, raw=ABOUT, now=later)
    assert answer_values(Response.objects.get()) == {"coop.pains": "Before closing"}


def test_nothing_can_be_saved_before_the_wave_opens(invite, wave):
    with pytest.raises(SurveyClosed, match="opens on"):
        response_save(invitation=invite(), version=0, raw={"coop.pains": "Early"}, now=wave.opens_at - timedelta(hours=1))
    assert not Response.objects.exists()


def test_a_new_wave_never_touches_an_earlier_waves_answers(invite, closed_wave, demo_org, instrument):
    from tests.surveys.conftest import make_wave

    old_invitation = invite(on=closed_wave)
    response_save(
        invitation=old_invitation, version=0, raw={"coop.pains": "Spring pains"}, now=closed_wave.opens_at + timedelta(days=1)
    )
    new_wave = make_wave(demo_org, instrument, name="Next")
    new_invitation = invite(on=new_wave)
    response_save(invitation=new_invitation, version=0, raw={"coop.pains": "Autumn pains"}, now=now())
    old = Response.objects.get(wave=closed_wave)
    new = Response.objects.get(wave=new_wave)
    assert old.pk != new.pk
    assert answer_values(old) == {"coop.pains": "Spring pains"}
    assert answer_values(new) == {"coop.pains": "Autumn pains"}


def test_anonymous_waves_never_link_a_response_to_a_person(invite, wave, django_user_model):
    wave.anonymous = True
    wave.save(update_fields=["anonymous"])
    user = django_user_model.objects.create_user("someone")
    response_save(invitation=invite(), version=0, raw={"coop.pains": "x"}, now=now(), user=user)
    assert Response.objects.get().respondent is None


def test_named_waves_link_a_signed_in_person(invite, django_user_model):
    user = django_user_model.objects.create_user("someone")
    response_save(invitation=invite(), version=0, raw={"coop.pains": "x"}, now=now(), user=user)
    assert Response.objects.get().respondent == user


def test_submitting_queues_the_rescore_for_after_the_commit(invite, django_capture_on_commit_callbacks):
    invitation = invite()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_submit(invitation=invitation, version=0, raw=ABOUT, now=now())
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_save(invitation=invitation, version=1, raw={"coop.pains": "Later"}, now=now())
    assert len(callbacks) == 1


def test_drafts_do_not_ask_for_a_rescore(invite, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response_save(invitation=invite(), version=0, raw={"coop.pains": "Draft"}, now=now())
    assert callbacks == []


def test_a_wave_knows_whether_it_is_open(wave, closed_wave):
    from surveys.models import Wave

    assert wave.is_open(now()) and wave.state(now()) == "open"
    assert not closed_wave.is_open(now()) and closed_wave.state(now()) == "closed"
    assert wave.state(wave.opens_at - timedelta(seconds=1)) == "scheduled"
    assert not wave.is_open(wave.closes_at)
    assert list(Wave.objects.open()) == [wave]
