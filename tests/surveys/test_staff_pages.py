"""The staff pages: waves with response rates, and each wave's invitation links."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessor.models import Heartbeat, Membership, Organization, Team
from surveys.models import Invitation, Response
from surveys.selectors import answer_values
from surveys.services import invitations_create, response_save, response_submit

pytestmark = pytest.mark.django_db

ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}


@pytest.fixture
def org_admin(django_user_model, demo_org):
    user = django_user_model.objects.create_user("lead", password="pw")
    Membership.objects.create(user=user, organization=demo_org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def links(wave):
    return invitations_create(wave=wave, per_role=1)


def test_anonymous_visitors_are_sent_to_sign_in(client, wave):
    for path in ("/waves/", f"/waves/{wave.pk}/invitations/"):
        reply = client.get(path)
        assert reply.status_code == 302 and reply.url.startswith("/accounts/login/")


def test_people_without_admin_rights_get_403(client, django_user_model, wave, demo_org):
    member = django_user_model.objects.create_user("member")
    Membership.objects.create(
        user=member, organization=demo_org, team=Team.objects.get(slug="checkout"), role=Membership.Role.MEMBER
    )
    client.force_login(member)
    assert client.get("/waves/").status_code == 403
    page = client.get(f"/waves/{wave.pk}/invitations/")
    assert page.status_code == 403 and b"You need admin rights" in page.content


def test_admins_of_another_organization_cannot_see_the_wave(client, django_user_model, wave):
    other = Organization.objects.create(name="Other", slug="other")
    stranger = django_user_model.objects.create_user("stranger")
    Membership.objects.create(user=stranger, organization=other, role=Membership.Role.ADMIN)
    client.force_login(stranger)
    assert client.get(f"/waves/{wave.pk}/invitations/").status_code == 403
    assert b"No survey waves yet" in client.get("/waves/").content


def test_the_wave_list_shows_response_rates_in_constant_queries(
    client, org_admin, links, closed_wave, django_assert_max_num_queries
):
    response_submit(invitation=links[0], version=0, raw=ABOUT, now=timezone.now())
    response_save(invitation=links[1], version=0, raw={"coop.pains": "x"}, now=timezone.now())
    client.force_login(org_admin)
    with django_assert_max_num_queries(8):
        page = client.get("/waves/")
    html = page.content.decode()
    assert page.status_code == 200 and "Autumn" in html and "Spring" in html
    live = len(links)
    assert f"{round(100 / live)}%" in html


def test_the_invitation_page_lists_links_per_team_with_status(client, org_admin, wave, links, django_assert_max_num_queries):
    submitted, draft, revoked = links[0], links[1], links[2]
    response_submit(invitation=submitted, version=0, raw=ABOUT, now=timezone.now())
    response_save(invitation=draft, version=0, raw={"coop.pains": "x"}, now=timezone.now())
    revoked.revoke(timezone.now())
    client.force_login(org_admin)
    with django_assert_max_num_queries(10):
        page = client.get(f"/waves/{wave.pk}/invitations/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"http://testserver/s/{submitted.token()}/" in html
    assert revoked.token() not in html
    assert ">Submitted<" in html and ">Draft<" in html and ">Withdrawn<" in html and ">Not started<" in html
    assert "1 of 31 working links submitted" in html
    for team in Team.objects.all():
        assert team.name in html


def test_more_links_do_not_mean_more_queries(client, org_admin, wave, links, django_assert_max_num_queries):
    invitations_create(wave=wave, per_role=3)
    client.force_login(org_admin)
    with django_assert_max_num_queries(10):
        assert client.get(f"/waves/{wave.pk}/invitations/").status_code == 200


def test_creating_links_per_team_and_role(client, org_admin, wave):
    client.force_login(org_admin)
    checkout = Team.objects.get(slug="checkout")
    reply = client.post(
        f"/waves/{wave.pk}/invitations/create/", {"per_role": "2", "roles": ["manager"], "teams": [checkout.pk], "label": "Leads"}
    )
    assert reply.status_code == 302
    created = Invitation.objects.filter(wave=wave)
    assert [(i.team.slug, i.role, i.label) for i in created] == [("checkout", "manager", "Leads")] * 2
    client.post(f"/waves/{wave.pk}/invitations/create/", {"per_role": "1"})
    roles = set(Invitation.objects.filter(team__slug="developer-platform").values_list("role", flat=True))
    assert roles == {"platform_engineer"}


def test_a_bad_create_request_is_a_400_with_the_form_errors(client, org_admin, wave):
    client.force_login(org_admin)
    page = client.post(f"/waves/{wave.pk}/invitations/create/", {"per_role": "500"})
    assert page.status_code == 400 and b"There is a problem" in page.content
    assert not Invitation.objects.exists()


def test_withdrawing_and_replacing_a_link(client, org_admin, wave, links):
    client.force_login(org_admin)
    invitation = links[0]
    old = invitation.token()
    assert client.post(f"/waves/{wave.pk}/invitations/{invitation.pk}/revoke/").status_code == 302
    assert client.get(f"/s/{old}/").status_code == 404
    assert client.post(f"/waves/{wave.pk}/invitations/{invitation.pk}/regenerate/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.token() != old
    assert client.get(f"/s/{old}/").status_code == 404
    assert client.get(f"/s/{invitation.token()}/").status_code == 200


def test_link_actions_need_post_and_admin_rights(client, org_admin, django_user_model, wave, links):
    client.force_login(org_admin)
    assert client.get(f"/waves/{wave.pk}/invitations/{links[0].pk}/revoke/").status_code == 405
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.post(f"/waves/{wave.pk}/invitations/{links[0].pk}/revoke/").status_code == 403
    links[0].refresh_from_db()
    assert links[0].revoked_at is None


def test_replacing_a_link_keeps_its_answers(wave, links):
    invitation = links[0]
    response_save(invitation=invitation, version=0, raw={"coop.pains": "kept"}, now=timezone.now())
    invitation.regenerate()
    assert invitation.response.answers.get().value == "kept"


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NOTICE = "No background worker has been seen"


@pytest.mark.parametrize(
    ("last_seen", "says"),
    [(None, f"{NOTICE} yet."), (NOW - timedelta(minutes=61), f"{NOTICE} for 61 minutes.")],
)
def test_the_wave_list_says_when_no_worker_has_been_seen_lately(
    client, org_admin, wave, worker_mode, time_machine, last_seen, says
):
    time_machine.move_to(NOW, tick=False)
    if last_seen is not None:
        Heartbeat.objects.create(name="scheduler", last_seen=last_seen)
    client.force_login(org_admin)
    page = client.get("/waves/").content.decode()
    assert says in page and "make run" in page


def test_the_wave_list_shows_no_notice_with_a_fresh_heartbeat(client, org_admin, wave, worker_mode, time_machine):
    time_machine.move_to(NOW, tick=False)
    Heartbeat.objects.create(name="scheduler", last_seen=NOW - timedelta(minutes=2))
    client.force_login(org_admin)
    assert NOTICE not in client.get("/waves/").content.decode()


def test_the_wave_list_shows_no_notice_when_tasks_run_inline(client, org_admin, wave):
    client.force_login(org_admin)
    assert NOTICE not in client.get("/waves/").content.decode()


PREVIOUS = {**ABOUT, "coop.pains": "Our deploys wait for the platform team", "investment.funding": "volunteers"}


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def shows_previous_answers(client, token):
    """Whether the survey pages and the API, opened with this token, show anything of PREVIOUS."""
    review = client.get(f"/s/{token}/answers/").content.decode()
    steps = "".join(client.get(f"/s/{token}/step/{step}/").content.decode() for step in ("about", "investment", "cooperation"))
    api = client.get(f"/api/v1/responses/{token}/").json()
    return (
        any(answer in review for answer in ("Our deploys wait for the platform team", "People fit it in around their main job"))
        or any(
            answer in steps
            for answer in (
                "Our deploys wait for the platform team",
                'value="volunteers" checked',
                'value="size_6_10" checked',
                'value="years_1_3" checked',
            )
        )
        or bool(api["answers"])
    )


@pytest.fixture
def withdrawn(client, org_admin, wave, links):
    """A link someone answered through, then withdrawn by an admin: (invitation, its old token)."""
    invitation = links[0]
    response_submit(invitation=invitation, version=0, raw=PREVIOUS, now=timezone.now())
    old = invitation.token()
    assert shows_previous_answers(client, old)
    client.force_login(org_admin)
    assert client.post(f"/waves/{wave.pk}/invitations/{invitation.pk}/revoke/").status_code == 302
    return invitation, old


def test_a_fresh_invitations_link_shows_none_of_the_previous_answers(client, wave, withdrawn):
    invitation, old = withdrawn
    reply = client.post(f"/waves/{wave.pk}/invitations/{invitation.pk}/fresh/")
    fresh = Invitation.objects.filter(wave=wave).latest("pk")
    assert reply.status_code == 302 and reply.url.endswith(f"#invitation-{fresh.pk}")
    assert (fresh.team, fresh.role, fresh.revoked_at) == (invitation.team, invitation.role, None)
    new = fresh.token()
    assert client.get(f"/s/{new}/").status_code == 200
    assert not shows_previous_answers(client, new)
    assert "No answers were given through this link." in client.get(f"/s/{new}/answers/").content.decode()
    assert client.get(f"/api/v1/responses/{new}/").json()["status"] == "not_started"
    assert client.get(f"/s/{old}/answers/").status_code == 404
    assert client.get(f"/api/v1/responses/{old}/").status_code == 404
    kept = Response.objects.get(invitation=invitation)  # still with the withdrawn invitation, and still counted
    assert kept.status == "submitted" and answer_values(kept) == PREVIOUS
    assert not Response.objects.filter(invitation=fresh).exists()


def test_answering_through_a_fresh_invitation_leaves_the_previous_answers_alone(client, wave, withdrawn):
    invitation, _ = withdrawn
    client.post(f"/waves/{wave.pk}/invitations/{invitation.pk}/fresh/")
    fresh = Invitation.objects.filter(wave=wave).latest("pk")
    reply = client.post(f"/s/{fresh.token()}/step/about/", {**ABOUT, "version": 0, "action": "continue"})
    assert reply.status_code == 302
    assert Response.objects.filter(team=invitation.team, wave=wave).count() == 2
    assert answer_values(Response.objects.get(invitation=invitation)) == PREVIOUS


def test_a_new_link_for_the_same_person_shows_their_answers(client, wave, withdrawn):
    invitation, old = withdrawn
    before = Invitation.objects.count()
    reply = client.post(f"/waves/{wave.pk}/invitations/{invitation.pk}/regenerate/")
    assert reply.status_code == 302 and reply.url.endswith(f"#invitation-{invitation.pk}")
    invitation.refresh_from_db()
    new = invitation.token()
    assert new != old and invitation.revoked_at is None
    assert shows_previous_answers(client, new)
    assert client.get(f"/api/v1/responses/{new}/").json()["answers"]["coop.pains"] == PREVIOUS["coop.pains"]
    assert client.get(f"/s/{old}/answers/").status_code == 404
    assert client.get(f"/api/v1/responses/{old}/").status_code == 404
    assert Invitation.objects.count() == before
    assert Response.objects.get(team=invitation.team, wave=wave).invitation == invitation


def test_a_fresh_invitation_is_only_for_a_withdrawn_link(client, org_admin, wave, links):
    client.force_login(org_admin)
    before = Invitation.objects.count()
    reply = client.post(f"/waves/{wave.pk}/invitations/{links[0].pk}/fresh/", follow=True)
    assert "Withdraw the link first" in reply.content.decode()
    assert Invitation.objects.count() == before


def test_the_page_offers_both_actions_on_a_withdrawn_link_and_says_what_each_does(client, wave, withdrawn, links):
    invitation, _ = withdrawn
    html = client.get(f"/waves/{wave.pk}/invitations/").content.decode()
    row = html.split(f'id="invitation-{invitation.pk}"', 1)[1].split("</tr>", 1)[0]
    assert f'action="/waves/{wave.pk}/invitations/{invitation.pk}/regenerate/"' in row
    assert f'action="/waves/{wave.pk}/invitations/{invitation.pk}/fresh/"' in row
    assert row.count('name="csrfmiddlewaretoken"') == 2
    assert "the answers given through it come back with the new link" in text(row)
    assert "A new, empty link for the same team and role, for someone else" in text(row)
    live = html.split(f'id="invitation-{links[1].pk}"', 1)[1].split("</tr>", 1)[0]
    assert "/fresh/" not in live and "Answers kept; the old link stops working." in text(live)


def test_both_actions_need_post_csrf_and_admin_rights(client, org_admin, django_user_model, demo_org, wave, withdrawn):
    invitation, _ = withdrawn
    before = Invitation.objects.count()
    for action in ("regenerate", "fresh"):
        path = f"/waves/{wave.pk}/invitations/{invitation.pk}/{action}/"
        assert client.get(path).status_code == 405
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(org_admin)
        assert strict.post(path).status_code == 403
        member = django_user_model.objects.create_user(f"member-{action}")
        Membership.objects.create(user=member, organization=demo_org, team=invitation.team, role=Membership.Role.TEAM_LEAD)
        other = Client()
        other.force_login(member)
        assert other.post(path).status_code == 403
        assert Client().post(path).status_code == 302  # to sign in
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None and Invitation.objects.count() == before
