import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from assessor.models import Membership
from reports.models import Annotation, EmailKind, SentEmail, Subscription
from reports.services import digest_send
from reports.tasks import send_digests
from tests.reports.factories import NOW
from tests.reports.mail import FlakyBackend, SlowBackend

AT = NOW - timedelta(days=4)  # the autumn scores (NOW - 7 days) fall inside this weekly digest's period


def html(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_it_sends_the_weekly_digest_to_admins_and_team_leads(world):
    result = digest_send(frequency="weekly", now=AT)

    assert (result.sent, result.already_sent) == (2, 0)
    assert set(by_recipient()) == {"ada@example.com", "lee@example.com"}  # not the plain member
    message = by_recipient()["ada@example.com"]
    assert message.subject == "Acme: platform maturity digest, week 44 of 2026"
    assert "http://127.0.0.1:8000/dashboard/?org=acme" in message.body
    assert "http://127.0.0.1:8000/dashboard/?org=acme" in html(message)


def test_the_digest_holds_the_heat_map_changes_gaps_and_response_rates(world):
    digest_send(frequency="weekly", now=AT)

    message = by_recipient()["ada@example.com"]
    body, page = message.body, html(message)
    for team in world.teams:
        assert team.name in page
    assert "WHERE TEAMS STAND (Autumn)" in body
    assert "background:#fff3d6" in page  # level 2 cells keep their colour without a stylesheet
    assert f"- {world.teams[1].name}, Investment: 1.00 -> 2.00 (+1.00), level 1 -> 2" in body
    assert f"- {world.teams[1].name}, Measurement: level 1, target 3 (gap 2)" in body
    assert "- Autumn: 6 of 6 invited teams answered (100%); 6 responses from 0 links" in body


def test_a_team_leads_digest_shows_only_their_team(world):
    digest_send(frequency="weekly", now=AT)

    message = by_recipient()["lee@example.com"]
    assert world.teams[1].name in html(message)
    assert world.teams[2].name not in html(message)
    assert world.teams[2].name not in message.body
    assert "your team" in message.body


def test_it_sends_each_digest_once_per_period(world):
    digest_send(frequency="weekly", now=AT)
    again = digest_send(frequency="weekly", now=AT + timedelta(days=2))

    assert (again.sent, again.already_sent) == (0, 2)
    assert len(mail.outbox) == 2
    assert SentEmail.objects.filter(kind=EmailKind.DIGEST).count() == 2
    next_week = digest_send(frequency="weekly", now=AT + timedelta(days=7))
    assert next_week.sent == 2


def test_people_who_chose_monthly_get_only_the_monthly_digest(world):
    Subscription.objects.create(user=world.lead, organization=world.organization, kind=EmailKind.DIGEST, frequency="monthly")

    digest_send(frequency="weekly", now=AT)
    weekly = set(by_recipient())
    mail.outbox.clear()
    digest_send(frequency="monthly", now=AT)

    assert weekly == {"ada@example.com"}
    assert set(by_recipient()) == {"lee@example.com"}
    assert by_recipient()["lee@example.com"].subject.endswith("October 2026")


def test_unsubscribed_people_and_people_without_an_address_get_nothing(world):
    Subscription.objects.create(user=world.lead, organization=world.organization, kind=EmailKind.DIGEST, unsubscribed_at=NOW)
    world.admin.email = ""
    world.admin.save(update_fields=["email"])

    assert digest_send(frequency="weekly", now=AT).sent == 0
    assert mail.outbox == []


def test_an_organization_without_waves_gets_no_digest(db, loaded_model):
    from tests.reports.factories import build_org, member, person

    organization, _ = build_org(teams=2, slug="empty")
    member(person("solo"), organization, Membership.Role.ADMIN)

    result = digest_send(frequency="weekly", now=AT)

    assert (result.sent, result.skipped) == (0, 1)


def test_a_move_minutes_after_the_scores_were_first_computed_is_a_change_not_a_first_result(db, loaded_model):
    """As after `seed_demo`: both waves' answers are old, but all their scores were computed inside this
    week; then one more response moves a team from 1.00 to 2.00."""
    from tests.reports.factories import Answers, build_org, load_instrument, make_wave, member, person, rescore, submit

    organization, teams = build_org(teams=3, slug="fresh")
    member(person("ida"), organization, Membership.Role.ADMIN)
    instrument = load_instrument()
    spring = make_wave(
        organization, instrument, name="Spring", opens_at=NOW - timedelta(days=200), closes_at=NOW - timedelta(days=170),
        teams=teams,
    )  # fmt: skip
    autumn = make_wave(
        organization, instrument, name="Autumn", opens_at=NOW - timedelta(days=10), closes_at=NOW + timedelta(days=20),
        teams=teams,
    )  # fmt: skip
    for wave in (spring, autumn):
        submit(wave, [(team, Answers(level=1)) for team in teams], when=wave.opens_at + timedelta(days=1))
    rescore(now=NOW - timedelta(hours=1))
    submit(autumn, [(teams[1], Answers(level=3))], when=NOW - timedelta(minutes=10))
    rescore(now=NOW - timedelta(minutes=9))

    digest_send(frequency="weekly", now=NOW, organization_ids=[organization.pk])

    body = by_recipient()["ida@example.com"].body
    assert f"- {teams[1].name}, Investment: 1.00 -> 2.00 (+1.00), level 1 -> 2" in body
    assert "No score moved" not in body
    assert "first results" not in body


@pytest.fixture
def worker_like():
    """Run tasks eagerly but let retries happen as a worker would, instead of raising them to the test."""
    conf = send_digests.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


def test_a_retried_task_sends_what_failed_and_nothing_twice(world, settings, worker_like):
    settings.EMAIL_BACKEND = "tests.reports.mail.FlakyBackend"
    FlakyBackend.attempts, FlakyBackend.failing = 0, {2}  # the second email fails once, as if SMTP dropped

    send_digests.apply(kwargs={"frequency": "weekly", "now": AT.isoformat()})

    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "lee@example.com"]
    assert FlakyBackend.attempts == 3  # one sent, one failed, the retry sent only the failed one
    assert SentEmail.objects.count() == 2


def test_a_task_gives_up_after_its_retries_and_keeps_no_ledger_row_for_unsent_mail(world, settings, worker_like):
    settings.EMAIL_BACKEND = "tests.reports.mail.FlakyBackend"
    settings.REPORTS_EMAIL_MAX_RETRIES = 2
    FlakyBackend.attempts, FlakyBackend.failing = 0, set(range(1, 100))

    result = send_digests.apply(kwargs={"frequency": "weekly", "now": AT.isoformat()})

    assert result.failed()
    assert "Connection unexpectedly closed" in repr(result.result)
    assert FlakyBackend.attempts == 3  # the first try and two retries
    assert SentEmail.objects.count() == 0
    assert mail.outbox == []


def digest_org(*, leads: int = 0):
    """An organization with scores and an admin (and `leads` team leads), committed for tests across threads."""
    from tests.reports.conftest import populate
    from tests.reports.factories import build_org, member, person

    organization, teams = build_org(teams=3)
    populate(organization, teams)
    member(person("ada"), organization, Membership.Role.ADMIN)
    for number in range(leads):
        member(person(f"lead{number}"), organization, Membership.Role.TEAM_LEAD, teams[number + 1])
    return organization


def in_thread(target, *args):
    """Run `target` in a thread with its own database connection; the thread and its outcome."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except BaseException as exc:  # handed to the test, which checks it
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def weekly_digest():
    return digest_send(frequency="weekly", now=AT)


@pytest.mark.django_db(transaction=True)
def test_a_slow_mail_server_holds_no_database_transaction(settings, loaded_model):
    organization = digest_org()
    settings.EMAIL_BACKEND = "tests.reports.mail.SlowBackend"
    SlowBackend.reset()

    def write_something_else():
        started = time.monotonic()
        with transaction.atomic():
            Annotation.objects.create(organization=organization, date=AT.date(), label="Written during a send")
        return time.monotonic() - started

    sender, sent = in_thread(weekly_digest)
    writer = None
    try:
        assert SlowBackend.sending.wait(timeout=10)
        writer, written = in_thread(write_something_else)
        writer.join(timeout=5)
        claim = SentEmail.objects.get()  # committed before the send, so this connection sees it
        still_sending = sender.is_alive()
    finally:
        SlowBackend.release.set()
        sender.join()
        if writer is not None:
            writer.join()

    assert still_sending
    assert "error" not in written, written.get("error")
    assert written["result"] < 1.0  # the write did not wait for the send
    assert SlowBackend.in_transaction == [False]
    assert (claim.recipient, claim.delivered_at) == ("ada@example.com", None)
    assert sent["result"].sent == 1
    assert SentEmail.objects.get().delivered_at is not None
    assert Annotation.objects.filter(label="Written during a send").exists()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_firing_at_once_send_each_digest_once(settings, loaded_model):
    digest_org()
    settings.EMAIL_BACKEND = "tests.reports.mail.SlowBackend"
    SlowBackend.reset()

    first, first_outcome = in_thread(weekly_digest)
    second = None
    try:
        assert SlowBackend.sending.wait(timeout=10)  # the first has claimed the digest and is sending it
        second, second_outcome = in_thread(weekly_digest)
        second.join(timeout=5)
        second_finished_first = not second.is_alive() and first.is_alive()
    finally:
        SlowBackend.release.set()
        first.join()
        if second is not None:
            second.join()

    assert second_finished_first  # the second found the claim at once, without waiting for the first to send
    assert "error" not in second_outcome, second_outcome.get("error")
    assert (first_outcome["result"].sent, first_outcome["result"].already_sent) == (1, 0)
    assert (second_outcome["result"].sent, second_outcome["result"].already_sent) == (0, 1)
    assert len(mail.outbox) == 1
    assert SlowBackend.in_transaction == [False]
    assert SentEmail.objects.filter(delivered_at__isnull=False).count() == 1


def test_a_worker_killed_while_sending_leaves_an_unconfirmed_claim_that_is_never_sent_again(world, settings, caplog):
    settings.EMAIL_BACKEND = "tests.reports.mail.WorkerKilledBackend"
    with pytest.raises(SystemExit):
        digest_send(frequency="weekly", now=AT)
    claim = SentEmail.objects.get()
    assert (claim.recipient, claim.delivered_at) == ("ada@example.com", None)  # we cannot know whether it went out

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retry = digest_send(frequency="weekly", now=AT)
    assert (retry.sent, retry.already_sent, retry.unconfirmed) == (1, 1, [])  # a recent claim may still be sending
    assert set(by_recipient()) == {"lee@example.com"}

    SentEmail.objects.filter(pk=claim.pk).update(claimed_at=timezone.now() - timedelta(minutes=16))
    with caplog.at_level("WARNING", logger="reports.services"):
        later = digest_send(frequency="weekly", now=AT + timedelta(days=1))

    assert (later.sent, later.already_sent, later.unconfirmed) == (0, 2, ["ada@example.com"])
    assert "1 claimed by an earlier run that never confirmed sending them, not sent again (ada@example.com)" in str(later)
    assert "never confirmed sending it" in caplog.text
    assert set(by_recipient()) == {"lee@example.com"}  # ada's digest was not sent a second time
    assert SentEmail.objects.get(pk=claim.pk).delivered_at is None


def test_an_email_sent_but_not_marked_is_not_sent_again(world, monkeypatch):
    from reports import services

    def database_gone(claim):
        raise OperationalError("the database went away after the send (test)")

    monkeypatch.setattr(services, "_mark_sent", database_gone)
    with pytest.raises(OperationalError):
        digest_send(frequency="weekly", now=AT)
    monkeypatch.undo()
    assert set(by_recipient()) == {"ada@example.com"}

    retry = digest_send(frequency="weekly", now=AT)

    assert (retry.sent, retry.already_sent) == (1, 1)
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.com", "lee@example.com"]
    assert SentEmail.objects.get(recipient="ada@example.com").delivered_at is None


def test_a_send_that_fails_with_an_error_gives_its_claim_back(world, settings):
    settings.EMAIL_BACKEND = "tests.reports.mail.FlakyBackend"
    FlakyBackend.attempts, FlakyBackend.failing = 0, {1}

    with pytest.raises(smtplib.SMTPServerDisconnected):
        digest_send(frequency="weekly", now=AT)
    assert not SentEmail.objects.exists()
    retry = digest_send(frequency="weekly", now=AT)

    assert (retry.sent, retry.already_sent) == (2, 0)
    assert SentEmail.objects.filter(delivered_at__isnull=False).count() == 2


def test_the_digest_has_a_practices_section_pooled_over_application_teams(world):
    digest_send(frequency="weekly", now=AT)

    apps = [index for index, team in enumerate(world.teams) if team.kind != "platform"]
    self_service = sum(1 for index in apps if index % 2 == 0)  # the others get their capabilities by ticket
    for message in (by_recipient()["ada@example.com"], by_recipient()["lee@example.com"]):
        assert "DELIVERY PRACTICES (Autumn)" in message.body and "Delivery practices" in html(message)
        assert f"- Self-service platform: {self_service} of {len(apps)} application teams" in message.body
        assert "associations, not causes" in message.body
