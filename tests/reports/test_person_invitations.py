"""Waves that invite people by name: one link each, emailed once through the ledger, progress per person,
personal reminders, and the CSV of links."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from assessor.models import Membership
from reports.invitations import InvitesRefused, invitations_send
from reports.models import EmailKind, SentEmail, Subscription
from reports.services import reminders_send
from surveys.models import Invitation, Response
from surveys.services import invitation_new_link, invitations_for_people, response_save, response_submit
from tests.reports.factories import load_instrument, make_wave, member, person

ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}
LINK = re.compile(r"https?://[^\s]+/s/([A-Za-z0-9_-]{43})/")


@pytest.fixture
def summer(world):
    """A wave open since three days, closing in ten, with lee (lead of teams[1]) and max (member of teams[2])
    invited by name; ada is an admin of no team and otto is in no organization."""
    now = timezone.now()
    wave = make_wave(
        world.organization,
        load_instrument(),
        name="Summer",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=10),
        teams=world.teams,
    )
    world.lead.first_name, world.lead.last_name = "Lee", "Lead"
    world.lead.save(update_fields=["first_name", "last_name"])
    invitations_for_people(wave=wave)
    return wave


@pytest.fixture
def admin_client(world):
    client = Client()
    client.force_login(world.admin)
    return client


def _invitation_of(user, wave):
    return Invitation.objects.get(wave=wave, membership__user=user)


def _people_page(client, wave) -> str:
    page = client.get(f"/dashboard/waves/{wave.pk}/people/")
    assert page.status_code == 200
    return page.content.decode()


def _row(html: str, invitation: Invitation) -> str:
    start = html.index(f'id="person-{invitation.pk}"')
    return html[start : html.index("</tr>", start)]


def test_it_invites_each_member_of_the_waves_teams_once_with_a_role_that_fits(world, summer):
    lee, max_ = _invitation_of(world.lead, summer), _invitation_of(world.member, summer)

    assert (lee.team, lee.role, max_.team, max_.role) == (world.teams[1], "manager", world.teams[2], "app_developer")
    assert Invitation.objects.filter(wave=summer).count() == 2  # ada leads no team
    viewer = person("vic")
    member(viewer, world.organization, Membership.Role.VIEWER, world.teams[3])
    newcomer = person("nia")
    member(newcomer, world.organization, Membership.Role.MEMBER, world.teams[3])

    again = invitations_for_people(wave=summer)

    assert [invitation.membership.user for invitation in again] == [newcomer]  # viewers read, they do not answer


def test_an_emailed_invitation_opens_the_survey_for_that_person_and_the_page_shows_progress(
    world, summer, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = admin_client.post(f"/dashboard/waves/{summer.pk}/people/send/")
    assert reply.status_code == 302

    mails = {message.to[0]: message for message in mail.outbox}
    assert set(mails) == {"lee@example.com", "max@example.com"}
    message = mails["lee@example.com"]
    assert message.subject == "Acme asks for your answers: Summer"
    token = LINK.search(message.body).group(1)
    assert token in message.alternatives[0][0]
    invitation = _invitation_of(world.lead, summer)
    assert Invitation.objects.by_token(token).get() == invitation

    start = Client().get(f"/s/{token}/")
    assert start.status_code == 200
    assert b"App 0001" in start.content and b"This link is yours alone (Lee Lead)" in start.content
    invitation.refresh_from_db()
    assert invitation.opened_at is not None

    row = _row(_people_page(admin_client, summer), invitation)
    assert "Lee Lead" in row and "Not started" in row and "not yet" not in row  # emailed and opened

    response_save(invitation=invitation, version=0, raw=ABOUT, now=timezone.now())
    assert "Draft" in _row(_people_page(admin_client, summer), invitation)
    response_submit(invitation=invitation, version=1, now=timezone.now())
    html = _people_page(admin_client, summer)
    assert "Submitted" in _row(html, invitation)
    assert "Not started" in _row(html, _invitation_of(world.member, summer))


def test_a_second_send_in_the_same_period_sends_nothing(world, summer):
    first = invitations_send(wave=summer, now=timezone.now())
    second = invitations_send(wave=summer, now=timezone.now())

    assert (first.sent, second.sent, second.already_sent) == (2, 0, 2)
    assert len(mail.outbox) == 2
    assert SentEmail.objects.filter(kind=EmailKind.INVITE, wave=summer).count() == 2


def test_a_new_link_for_the_same_person_is_emailed_again_and_the_old_one_is_not(world, summer):
    invitations_send(wave=summer, now=timezone.now())
    invitation_new_link(invitation=_invitation_of(world.lead, summer))

    again = invitations_send(wave=summer, now=timezone.now())

    assert again.sent == 1
    assert mail.outbox[-1].to == ["lee@example.com"]
    new_token = LINK.search(mail.outbox[-1].body).group(1)
    assert Invitation.objects.by_token(new_token).get() == _invitation_of(world.lead, summer)


def test_it_skips_withdrawn_links_people_who_submitted_and_people_who_stopped_survey_emails(world, summer):
    _invitation_of(world.member, summer).revoke(timezone.now())
    Subscription.objects.create(
        user=world.lead, organization=world.organization, kind=EmailKind.REMINDER, unsubscribed_at=timezone.now()
    )
    newcomer = person("nia")
    member(newcomer, world.organization, Membership.Role.MEMBER, world.teams[3])
    invitations_for_people(wave=summer)
    response_submit(invitation=_invitation_of(newcomer, summer), version=0, raw=ABOUT, now=timezone.now())

    result = invitations_send(wave=summer, now=timezone.now())

    assert (result.sent, result.skipped) == (0, 2)  # the withdrawn link is not even considered
    assert mail.outbox == []


def test_a_closed_wave_sends_no_invitations_and_the_page_says_why(world, summer, admin_client):
    summer.closes_at = timezone.now() - timedelta(minutes=1)
    summer.save(update_fields=["closes_at"])

    with pytest.raises(InvitesRefused):
        invitations_send(wave=summer, now=timezone.now())
    reply = admin_client.post(f"/dashboard/waves/{summer.pk}/people/send/")
    assert reply.status_code == 409 and b"has closed" in reply.content


def test_people_invited_by_name_get_personal_reminders_with_their_own_link_within_the_limits(world, summer, settings):
    settings.REPORTS_REMINDER_MAX = 2
    settings.REPORTS_REMINDER_DAYS_APART = 3
    invitations_send(wave=summer, now=timezone.now() - timedelta(days=2))
    mail.outbox.clear()
    response_submit(invitation=_invitation_of(world.member, summer), version=0, raw=ABOUT, now=timezone.now())
    lee = _invitation_of(world.lead, summer)
    # teams[1] has answered through another link: lee is reminded all the same, of their own link
    other = Invitation.issue(wave=summer, team=world.teams[1], role="app_developer")
    other.save()
    response_submit(invitation=other, version=0, raw=ABOUT, now=timezone.now())

    now = timezone.now()
    sent = [reminders_send(now=now + timedelta(days=day)).sent for day in (0, 1, 3, 6, 9)]

    assert sent == [0, 1, 0, 1, 0]  # invited two days ago, so the first waits a day; then at most two
    assert {message.to[0] for message in mail.outbox} == {"lee@example.com"}  # max submitted
    body = mail.outbox[0].body  # the first reminder
    assert "You have not submitted your answers" in body and lee.path() in body


def test_the_csv_lists_name_team_role_and_link_and_defuses_formulas(world, summer, admin_client):
    world.member.first_name = '=HYPERLINK("http://evil")'
    world.member.save(update_fields=["first_name"])
    _invitation_of(world.lead, summer).revoke(timezone.now())

    reply = admin_client.get(f"/dashboard/waves/{summer.pk}/people.csv")

    assert reply.status_code == 200 and reply["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.content.decode())))
    assert [list(row) for row in rows[:1]] == [["Name", "E-mail", "Team", "Role", "Status", "Link"]]
    assert len(rows) == 1  # the withdrawn link is left out
    row = rows[0]
    assert row["Name"].startswith("'=HYPERLINK")
    assert (row["E-mail"], row["Team"], row["Role"], row["Status"]) == (
        "max@example.com",
        "App 0002",
        "Application developer",
        "Not started",
    )
    assert row["Link"].endswith(_invitation_of(world.member, summer).path())


def test_only_the_organizations_admins_see_the_people_page(world, summer):
    client = Client()
    client.force_login(world.member)
    for path in (f"/dashboard/waves/{summer.pk}/people/", f"/dashboard/waves/{summer.pk}/people.csv"):
        assert client.get(path).status_code == 403
    assert client.post(f"/dashboard/waves/{summer.pk}/people/send/").status_code == 403
    client.force_login(world.outsider)
    assert client.get(f"/dashboard/waves/{summer.pk}/people/").status_code == 404
    assert Client().get(f"/dashboard/waves/{summer.pk}/people/").status_code == 302


def test_the_invite_button_adds_links_for_new_members_only(world, summer, admin_client):
    newcomer = person("nia")
    member(newcomer, world.organization, Membership.Role.MEMBER, world.teams[3])

    reply = admin_client.post(f"/dashboard/waves/{summer.pk}/people/invite/", follow=True)

    assert b"Invited 1 person by name" in reply.content
    assert Invitation.objects.filter(wave=summer).for_people().count() == 3
    assert Response.objects.filter(wave=summer).count() == 0


def test_the_people_page_reads_the_same_number_of_queries_for_more_people(
    world, summer, admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as few:
        _people_page(admin_client, summer)
    for index in range(8):
        member(person(f"extra{index}"), world.organization, Membership.Role.MEMBER, world.teams[3 + index % 3])
    invitations_for_people(wave=summer)
    invitations_send(wave=summer, now=timezone.now())

    with django_assert_max_num_queries(len(few.captured_queries)):
        html = _people_page(admin_client, summer)
    assert html.count('id="person-') == 10


def test_the_waves_page_links_to_the_people_invited_by_name(world, summer, admin_client):
    page = admin_client.get("/waves/").content.decode()
    assert f'href="/dashboard/waves/{summer.pk}/people/">2 by name' in page


def test_the_command_sends_once_and_names_an_unknown_wave(world, summer):
    from django.core.management import CommandError, call_command

    first, second = io.StringIO(), io.StringIO()
    call_command("send_invitations", str(summer.pk), stdout=first)
    call_command("send_invitations", str(summer.pk), stdout=second)

    assert "2 sent, 0 sent earlier" in first.getvalue()
    assert "0 sent, 2 sent earlier" in second.getvalue()
    assert len(mail.outbox) == 2
    with pytest.raises(CommandError, match="no wave 999999"):
        call_command("send_invitations", "999999")


def test_the_task_retries_when_the_mail_server_is_down_and_sends_once_after(world, summer, monkeypatch):
    import smtplib

    from celery.exceptions import Retry

    from reports.tasks import send_invitations

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(Retry):
        send_invitations.apply(args=[summer.pk], throw=True)
    assert not SentEmail.objects.filter(kind=EmailKind.INVITE).exists()  # the failed claim was dropped
    monkeypatch.undo()

    assert send_invitations.apply(args=[summer.pk]).get() == "2 sent, 0 already sent earlier"
    assert len(mail.outbox) == 2
