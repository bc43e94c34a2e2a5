"""The invitation-link pages without scripts: every step posts with "Save and continue"."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from surveys.models import Response
from surveys.selectors import answer_values
from surveys.services import response_submit

pytestmark = pytest.mark.django_db

ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def url(invitation, part=""):
    return f"/s/{invitation.token()}/{part}"


def post_step(client, invitation, section, data, *, action="continue", version=None):
    if version is None:
        response = Response.objects.filter(invitation=invitation).first()
        version = response.version if response else 0
    return client.post(url(invitation, f"step/{section}/"), {**data, "version": version, "action": action})


def test_the_link_opens_a_welcome_page_without_creating_anything(client, invite):
    invitation = invite()
    page = client.get(url(invitation))
    assert page.status_code == 200
    assert b"Start the survey" in page.content and b"9 short steps" in page.content
    assert not Response.objects.exists()


def test_a_step_shows_progress_labels_and_fieldsets(client, invite):
    page = client.get(url(invite(), "step/investment/"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Step 2 of 9 · 0 of 47 questions answered" in text(html)
    assert html.count("<fieldset") == 4 and html.count("<legend") == 4
    assert 'for="q-investment-funding-1"' in html and 'id="q-investment-funding-1"' in html
    assert "<script>" not in html and "onclick" not in html and "onchange" not in html


def test_save_and_continue_stores_the_step_and_moves_on(client, invite):
    invitation = invite()
    reply = post_step(client, invitation, "about", ABOUT)
    assert reply.status_code == 302 and reply.url.endswith("/step/investment/")
    assert answer_values(Response.objects.get()) == ABOUT


def test_the_same_link_resumes_where_the_person_left_off(client, invite):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "investment", {"investment.funding": "volunteers"})
    reply = client.get(url(invitation))
    assert reply.status_code == 302 and reply.url.endswith("/step/adoption/")
    page = client.get(url(invitation, "step/investment/")).content.decode()
    assert 'value="volunteers" checked' in page


def test_a_missing_required_answer_keeps_the_person_on_the_step_with_messages(client, invite):
    invitation = invite()
    page = post_step(client, invitation, "about", {"about.team_size": "size_1_5"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="error-summary"' in html and 'href="#q-about-tenure-1"' in html
    assert 'id="q-about-tenure-error"' in html and "Choose an answer." in html
    assert answer_values(Response.objects.get()) == {"about.team_size": "size_1_5"}


def test_an_invalid_value_is_a_400_with_the_message_next_to_the_field(client, invite):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    page = post_step(client, invitation, "feedback", {"feedback.satisfaction": "11", "feedback.comment": "Hello"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "There is a problem" in html and "Choose a whole number from 0 to 10." in html
    assert "feedback.comment" not in answer_values(Response.objects.get())


def test_a_stale_page_gets_409_and_keeps_what_was_typed_on_screen(client, invite):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "feedback", {"feedback.comment": "Newer"}, action="save")
    page = post_step(client, invitation, "feedback", {"feedback.comment": "Older tab"}, action="save", version=1)
    html = page.content.decode()
    assert page.status_code == 409
    assert "This survey was changed in another tab or window; reload to see the latest answers." in html
    assert "Older tab" in html
    assert answer_values(Response.objects.get())["feedback.comment"] == "Newer"


def test_submitting_from_the_last_step_shows_the_result(client, invite, rescores):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "investment", {"investment.funding": "product_team", "investment.roles": "product_roles"})
    reply = post_step(client, invitation, "feedback", {"feedback.satisfaction": "8"}, action="submit")
    assert reply.status_code == 302 and reply.url.endswith("/result/")
    result = client.get(reply.url).content.decode()
    assert "Thank you, your answers are in" in result
    assert "Investment" in result and "3.00" in result
    assert client.get(url(invitation)).url.endswith("/result/")
    assert len(rescores) == 1


def test_submitting_twice_records_one_submission(client, invite, rescores):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    first = post_step(client, invitation, "feedback", {"feedback.satisfaction": "8"}, action="submit", version=1)
    second = post_step(client, invitation, "feedback", {"feedback.satisfaction": "8"}, action="submit", version=1)
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(status="submitted").count() == 1
    assert len(rescores) == 1


def test_submitting_with_required_answers_missing_links_to_their_step(client, invite):
    invitation = invite()
    page = post_step(client, invitation, "feedback", {"feedback.satisfaction": "8"}, action="submit")
    html = page.content.decode()
    assert "There is a problem" in html and "/step/about/#q-about-team_size-1" in html
    assert Response.objects.get().status == "draft"
    assert answer_values(Response.objects.get()) == {"feedback.satisfaction": 8}


def test_roles_decide_the_steps(client, invite):
    app = client.get(url(invite(), "step/cooperation/")).content.decode()
    assert "Step 8 of 9" in text(app) and "Do you need it?" in app and "Do you provide it?" not in app
    platform = client.get(url(invite("developer-platform", "platform_engineer"), "step/cooperation/")).content.decode()
    assert "Step 8 of 10" in text(platform) and "Do you provide it?" in platform and "Do you need it?" not in platform
    assert client.get(url(invite(), "step/perception/")).status_code == 302


def test_routing_is_applied_on_the_server(client, invite):
    invitation = invite()
    html = client.get(url(invitation, "step/cooperation/")).content.decode()
    assert 'data-show-if="cap.data.need"' in html
    post_step(client, invitation, "cooperation", {"cap.data.need": "need_no", "cap.data.delivery": "ticket"}, action="save")
    assert answer_values(Response.objects.get()) == {"cap.data.need": "need_no"}


def test_an_unknown_or_withdrawn_link_is_a_helpful_404(client, invite):
    invitation = invite()
    for path in ("/s/not-a-real-token/", "/s/" + "A" * 43 + "/", "/s/" + "A" * 43 + "/step/about/", "/s/x/result/"):
        page = client.get(path)
        assert page.status_code == 404
        assert b"This survey link does not work" in page.content
    invitation.revoke(timezone.now())
    page = client.get(url(invitation))
    assert page.status_code == 404 and b"ask whoever sent you the invitation" in page.content


def test_an_expired_link_shows_the_answers_read_only(client, invite, wave):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "investment", {"investment.funding": "volunteers"})
    with time_machine.travel(wave.closes_at + timedelta(hours=1)):
        landing = client.get(url(invitation))
        assert landing.status_code == 302 and landing.url.endswith("/answers/")
        page = client.get(landing.url).content.decode()
        assert "This survey closed on" in page
        assert "The answers below can be read but no longer changed." in page
        assert "People fit it in around their main job" in page
        assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0]
        step = client.get(url(invitation, "step/investment/"))
        assert step.status_code == 302 and step.url.endswith("/answers/")
        refused = post_step(client, invitation, "investment", {"investment.funding": "ecosystem"})
        assert refused.status_code == 409
    assert answer_values(Response.objects.get())["investment.funding"] == "volunteers"


def test_a_closed_wave_without_answers_says_so(client, invite, closed_wave):
    invitation = invite(on=closed_wave)
    with time_machine.travel(closed_wave.closes_at + timedelta(days=1)):
        page = client.get(url(invitation), follow=True).content.decode()
    assert "This survey closed on" in page and "No answers were given through this link." in page


def test_the_answers_stay_readable_through_the_grace_period(client, invite, wave):
    invitation = invite()
    post_step(client, invitation, "investment", {"investment.funding": "volunteers"})
    with time_machine.travel(wave.closes_at + timedelta(days=29, hours=23)):
        page = client.get(url(invitation, "answers/"))
    assert page.status_code == 200 and "People fit it in around their main job" in page.content.decode()
    closes = wave.closes_at + timedelta(days=30)
    assert f"This link shows them until {closes:%-d %B %Y}." in text(page.content.decode())


def test_after_the_grace_period_an_old_link_shows_none_of_the_answers(client, invite, wave, rescores):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "investment", {"investment.funding": "volunteers"})
    post_step(client, invitation, "feedback", {"feedback.comment": "Our deploys are slow"}, action="submit")
    with time_machine.travel(wave.closes_at + timedelta(days=30, minutes=1)):
        for part in ("answers/", "result/", "", "step/investment/"):
            page = client.get(url(invitation, part))
            html = page.content.decode()
            assert page.status_code == 410, part
            assert f"The survey closed on {wave.closes_at:%-d %B %Y}." in html
            assert "Answers are no longer shown through this link." in html
            assert "ask whoever sent you the invitation (the survey's admins at" in html
            assert "People fit it in around their main job" not in html and "Our deploys are slow" not in html
        refused = post_step(client, invitation, "investment", {"investment.funding": "ecosystem"})
        assert refused.status_code == 409 and "See the answers that were saved" not in refused.content.decode()
    assert answer_values(Response.objects.get())["investment.funding"] == "volunteers"


def test_the_grace_period_is_a_setting(client, invite, wave, settings):
    settings.SURVEYS_READ_GRACE_DAYS = 0
    invitation = invite()
    post_step(client, invitation, "investment", {"investment.funding": "volunteers"})
    with time_machine.travel(wave.closes_at + timedelta(minutes=1)):
        assert client.get(url(invitation, "answers/")).status_code == 410


def test_a_wave_that_has_not_opened_says_when_it_will(client, invite, wave):
    wave.opens_at = timezone.now() + timedelta(days=2)
    wave.closes_at = timezone.now() + timedelta(days=9)
    wave.save(update_fields=["opens_at", "closes_at"])
    page = client.get(url(invite()))
    assert page.status_code == 200 and b"This survey opens on" in page.content and b"Start the survey" not in page.content


def test_a_submitted_response_can_be_changed_until_the_wave_closes(client, invite):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "feedback", {}, action="submit")
    page = client.get(url(invitation, "step/feedback/")).content.decode()
    assert "Save changes" in page and "Submitted" in page
    post_step(client, invitation, "feedback", {"feedback.satisfaction": "4"}, action="submit")
    response = Response.objects.get()
    assert response.status == "submitted" and answer_values(response)["feedback.satisfaction"] == 4


def test_the_result_page_waits_for_the_minimum_in_anonymous_waves(client, invite, wave):
    wave.anonymous = True
    wave.save(update_fields=["anonymous"])
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    post_step(client, invitation, "feedback", {}, action="submit")
    html = client.get(url(invitation, "result/")).content.decode()
    assert "team results appear once at least 3 people" in html and "2 more are needed" in html
    assert "Team score" not in html


def colleague_submits(invite, funding, team="checkout"):
    """Someone else in the team submits, with one investment answer."""
    invitation = invite(team)
    response_submit(invitation=invitation, version=0, raw={**ABOUT, "investment.funding": funding}, now=timezone.now())
    return invitation


def investment_row(html):
    """The Investment row of the result table as text, the en dash of an empty cell as "-"."""
    row = text(html).split("Investment", 1)[1]
    return row.split("Adoption", 1)[0].strip().replace("\u2013", "-")


def test_with_two_people_submitted_neither_can_work_out_the_other_from_the_team_figures(client, invite, wave):
    mine = colleague_submits(invite, "volunteers")  # level 1
    colleague_submits(invite, "ecosystem")  # level 4: a team mean of 2.50 would give it away (2 x 2.50 - 1)
    html = client.get(url(mine, "result/")).content.decode()
    assert not wave.anonymous
    assert "team results appear once at least 3 people from Checkout have submitted" in text(html)
    assert "1 more is needed" in html
    assert "Team score" not in html
    assert investment_row(html) == "1.00 -"  # my score and no target; no team score beside it
    assert "2.50" not in html and "4.00" not in html


def test_the_team_figures_appear_from_the_third_respondent(client, invite):
    mine = colleague_submits(invite, "volunteers")
    colleague_submits(invite, "ecosystem")
    colleague_submits(invite, "dedicated_team")
    html = client.get(url(mine, "result/")).content.decode()
    assert "Team score" in html and "more is needed" not in html
    assert investment_row(html) == "1.00 - 2.33 2. Operational 3 Split views"


def test_an_aspect_answered_by_fewer_than_the_minimum_stays_hidden(client, invite):
    mine = colleague_submits(invite, "volunteers")
    colleague_submits(invite, "ecosystem")
    other = invite()
    response_submit(invitation=other, version=0, raw={**ABOUT, "investment.funding": "na"}, now=timezone.now())
    html = client.get(url(mine, "result/")).content.decode()
    assert "Team score" in html  # three people submitted
    assert investment_row(html) == "1.00 - Shown once at least 3 people have answered this aspect"
    assert "2.50" not in html


def test_the_spread_is_not_shown_beside_the_mean(client, invite):
    """Mean 1.67 and spread 1.00 beside my own 1.00 would tell me both others gave 2."""
    mine = colleague_submits(invite, "volunteers")
    colleague_submits(invite, "dedicated_team")
    colleague_submits(invite, "dedicated_team")
    html = client.get(url(mine, "result/")).content.decode()
    assert investment_row(html) == "1.00 - 1.67 1. Provisional 3 Views differ"  # worded, not measured; 1.67 is not yet level 2
    assert "spread" not in html.lower().split("<main", 1)[1].split("aspects are scored separately")[0]


def test_close_views_means_scores_less_than_a_level_apart(client, invite):
    mine = colleague_submits(invite, "dedicated_team")
    colleague_submits(invite, "dedicated_team")
    colleague_submits(invite, "dedicated_team")
    html = client.get(url(mine, "result/")).content.decode()
    assert investment_row(html) == "2.00 - 2.00 2. Operational 3 Close views"


def test_the_minimum_is_a_setting(client, invite, settings):
    settings.SURVEYS_RESULT_MIN_RESPONDENTS = 2
    mine = colleague_submits(invite, "volunteers")
    html = client.get(url(mine, "result/")).content.decode()
    assert "team results appear once at least 2 people" in text(html) and "1 more is needed" in html
    colleague_submits(invite, "ecosystem")
    assert (
        investment_row(client.get(url(mine, "result/")).content.decode()) == "1.00 - 2.50 2. Operational 2 Split views"
    )  # rubric 2: 2.50 has not reached level 3


def test_an_anonymous_wave_keeps_a_larger_minimum_of_its_own(client, invite, wave):
    wave.anonymous, wave.min_responses = True, 5
    wave.save(update_fields=["anonymous", "min_responses"])
    mine = colleague_submits(invite, "volunteers")
    for funding in ("ecosystem", "dedicated_team"):
        colleague_submits(invite, funding)
    html = client.get(url(mine, "result/")).content.decode()
    assert "This survey is anonymous, so team results appear once at least 5 people" in html
    assert "2 more are needed" in html and "Team score" not in html
    wave.min_responses = 2
    wave.save(update_fields=["min_responses"])
    html = client.get(url(mine, "result/")).content.decode()
    assert "Team score" in html  # the service-wide minimum of 3 is met; the wave's smaller one does not lower it


def test_the_start_page_says_when_team_results_appear(client, invite):
    assert "once at least 3 people from the team have answered" in text(client.get(url(invite())).content.decode())


def test_the_result_page_needs_a_submission(client, invite):
    invitation = invite()
    post_step(client, invitation, "about", ABOUT)
    assert client.get(url(invitation, "result/")).status_code == 302
