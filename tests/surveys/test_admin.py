"""The surveys admin: constant-query changelists, read-only rows written by the survey, and actions."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from surveys.models import Invitation, Response
from surveys.services import invitations_create, response_submit

pytestmark = pytest.mark.django_db

ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}


@pytest.fixture
def admin_client_with_answers(client, wave):
    links = invitations_create(wave=wave, per_role=2)
    for invitation in links[:6]:
        response_submit(invitation=invitation, version=0, raw={**ABOUT, "coop.pains": "Slow"}, now=timezone.now())
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    return client


@pytest.mark.parametrize("model", ["instrument", "wave", "invitation", "response", "answer"])
def test_changelists_use_a_constant_number_of_queries(admin_client_with_answers, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = admin_client_with_answers.get(f"/admin/surveys/{model}/")
    assert page.status_code == 200


def test_a_response_shows_its_answers_read_only(admin_client_with_answers, django_assert_max_num_queries):
    response = Response.objects.first()
    with django_assert_max_num_queries(15):
        page = admin_client_with_answers.get(f"/admin/surveys/response/{response.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and "about.team_size" in html and "Slow" in html
    assert 'name="_save"' not in html


def test_the_instrument_page_lists_its_questions(admin_client_with_answers, instrument):
    html = admin_client_with_answers.get(f"/admin/surveys/instrument/{instrument.pk}/change/").content.decode()
    assert "investment.funding" in html and "cap.data.need" in html


def test_an_invitation_added_in_the_admin_gets_a_working_link(admin_client_with_answers, wave):
    from assessor.models import Team

    team = Team.objects.get(slug="billing")
    reply = admin_client_with_answers.post(
        "/admin/surveys/invitation/add/", {"wave": wave.pk, "team": team.pk, "role": "manager", "label": "Billing lead"}
    )
    assert reply.status_code == 302
    invitation = Invitation.objects.get(label="Billing lead")
    assert admin_client_with_answers.get(invitation.path()).status_code == 200


def test_the_revoke_action_withdraws_links(admin_client_with_answers):
    ids = list(Invitation.objects.values_list("pk", flat=True)[:3])
    admin_client_with_answers.post("/admin/surveys/invitation/", {"action": "revoke_links", "_selected_action": ids})
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 3


def test_the_fresh_invitation_action_gives_withdrawn_links_an_empty_successor(admin_client_with_answers):
    answered = Invitation.objects.filter(response__isnull=False).order_by("pk")[:2]
    withdrawn, live = answered
    withdrawn.revoke(timezone.now())
    before = Invitation.objects.count()
    page = admin_client_with_answers.post(
        "/admin/surveys/invitation/", {"action": "fresh_invitations", "_selected_action": [withdrawn.pk, live.pk]}, follow=True
    )
    assert "Created 1 fresh invitations" in page.content.decode() and "Withdraw the link first" in page.content.decode()
    fresh = Invitation.objects.latest("pk")
    assert Invitation.objects.count() == before + 1
    assert (fresh.team, fresh.role, fresh.revoked_at) == (withdrawn.team, withdrawn.role, None)
    assert admin_client_with_answers.get(f"/api/v1/responses/{fresh.token()}/").json()["answers"] == {}
    assert Response.objects.get(invitation=withdrawn).answers.filter(value="Slow").exists()


def test_the_new_link_action_keeps_the_answers_and_refuses_the_old_token(admin_client_with_answers):
    invitation = Invitation.objects.filter(response__isnull=False).first()
    old = invitation.token()
    admin_client_with_answers.post(
        "/admin/surveys/invitation/", {"action": "regenerate_links", "_selected_action": [invitation.pk]}
    )
    invitation.refresh_from_db()
    assert admin_client_with_answers.get(f"/api/v1/responses/{invitation.token()}/").json()["answers"]["coop.pains"] == "Slow"
    assert admin_client_with_answers.get(f"/api/v1/responses/{old}/").status_code == 404


def test_the_wave_action_creates_one_link_per_team_and_fitting_role(admin_client_with_answers, wave):
    before = Invitation.objects.count()
    admin_client_with_answers.post("/admin/surveys/wave/", {"action": "create_invitations", "_selected_action": [wave.pk]})
    assert Invitation.objects.count() - before == 32  # 12 application teams x 2 roles + 8 provider teams x 1


def test_a_wave_with_teams_of_another_organization_is_refused(admin_client_with_answers, instrument, demo_org):
    from assessor.models import Organization, Team

    other = Organization.objects.create(name="Other", slug="other")
    stranger = Team.objects.create(organization=other, name="Stranger", slug="stranger", kind="application")
    page = admin_client_with_answers.post(
        "/admin/surveys/wave/add/",
        {
            "organization": demo_org.pk,
            "instrument": instrument.pk,
            "name": "Mixed",
            "opens_at_0": "2026-01-01",
            "opens_at_1": "09:00",
            "closes_at_0": "2026-02-01",
            "closes_at_1": "09:00",
            "min_responses": "3",
            "teams": [stranger.pk],
        },
    )
    assert page.status_code == 200 and b"belong to another organization: Stranger" in page.content


def test_a_wave_with_answers_keeps_its_instrument(admin_client_with_answers, wave):
    from surveys.instruments import parse_instrument
    from surveys.services import instrument_load

    other = instrument_load(spec=parse_instrument({**wave.instrument.definition, "version": 2})).instrument
    page = admin_client_with_answers.post(
        f"/admin/surveys/wave/{wave.pk}/change/",
        {
            "organization": wave.organization_id,
            "instrument": other.pk,
            "name": wave.name,
            "opens_at_0": wave.opens_at.strftime("%Y-%m-%d"),
            "opens_at_1": wave.opens_at.strftime("%H:%M:%S"),
            "closes_at_0": wave.closes_at.strftime("%Y-%m-%d"),
            "closes_at_1": wave.closes_at.strftime("%H:%M:%S"),
            "min_responses": "3",
            "teams": list(wave.teams.values_list("pk", flat=True)),
        },
    )
    assert page.status_code == 200 and b"already has answers" in page.content
    wave.refresh_from_db()
    assert wave.instrument_id != other.pk
