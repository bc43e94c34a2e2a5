from datetime import timedelta

import pytest
from django.core import mail

from assessor.models import Membership
from reports.models import EmailKind, SentEmail, Subscription
from reports.services import reminders_send
from surveys.models import Invitation
from tests.reports.factories import NOW, Answers, load_instrument, make_wave, member, person, submit


@pytest.fixture
def winter(world):
    """A wave open since five days, closing in ten; only teams[1] has answered."""
    wave = make_wave(
        world.organization,
        load_instrument(),
        name="Winter",
        opens_at=NOW - timedelta(days=5),
        closes_at=NOW + timedelta(days=10),
        teams=world.teams,
    )
    submit(wave, [(world.teams[1], Answers())])
    return wave


def recipients():
    return sorted(message.to[0] for message in mail.outbox)


def test_it_reminds_members_of_invited_teams_that_have_not_answered(world, winter):
    result = reminders_send(now=NOW)

    assert result.sent == 1
    assert recipients() == ["max@example.com"]  # lee's team answered; ada leads no team
    message = mail.outbox[0]
    assert message.subject == "Reminder: Winter closes on 12 November"
    assert f'{world.teams[2].name} has not answered "Winter" yet' in message.body
    assert "reminder 1 of at most 3" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_it_sends_at_most_n_reminders_at_least_d_days_apart(world, winter, settings):
    settings.REPORTS_REMINDER_MAX = 2
    settings.REPORTS_REMINDER_DAYS_APART = 3

    sent = [reminders_send(now=NOW + timedelta(days=day)).sent for day in (0, 1, 2, 3, 6, 9)]

    assert sent == [1, 0, 0, 1, 0, 0]
    assert list(SentEmail.objects.order_by("sent_at").values_list("period_key", flat=True)) == [
        f"wave{winter.pk}:1",
        f"wave{winter.pk}:2",
    ]


def test_it_waits_d_days_after_a_wave_opens_and_stops_when_it_closes(world, winter, settings):
    settings.REPORTS_REMINDER_DAYS_APART = 7

    assert reminders_send(now=NOW).sent == 0  # opened five days ago
    assert reminders_send(now=winter.closes_at + timedelta(minutes=1)).sent == 0
    assert reminders_send(now=NOW + timedelta(days=3)).sent == 1


def test_it_stops_once_the_team_has_answered(world, winter):
    reminders_send(now=NOW)
    submit(winter, [(world.teams[2], Answers())])

    assert reminders_send(now=NOW + timedelta(days=5)).sent == 0


def test_two_runs_at_the_same_moment_send_one_reminder(world, winter):
    first = reminders_send(now=NOW)
    second = reminders_send(now=NOW)

    assert (first.sent, second.sent) == (1, 0)
    assert len(mail.outbox) == 1


def test_it_skips_people_who_stopped_reminders_and_people_without_an_address(world, winter):
    Subscription.objects.create(user=world.member, organization=world.organization, kind=EmailKind.REMINDER, unsubscribed_at=NOW)
    member(person("nomail", email=""), world.organization, Membership.Role.MEMBER, world.teams[3])

    assert reminders_send(now=NOW).sent == 0


def test_it_includes_the_persons_own_invitation_link_when_it_is_labelled_with_their_address(world, winter):
    invitation = Invitation.issue(wave=winter, team=world.teams[2], role="app_developer", label="Max@example.com")
    invitation.save()
    Invitation.issue(wave=winter, team=world.teams[2], role="app_developer", label="someone@example.com").save()

    reminders_send(now=NOW)

    body = mail.outbox[0].body
    assert f"http://127.0.0.1:8000{invitation.path()}" in body
    assert body.count("/s/") == 1
