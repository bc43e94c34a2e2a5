"""Injected faults: SMTP down while digests go out, a collection run killed half-way, and a survey submit
retried after the connection dropped. Each fault is counted (conftest FAULTS/SURVIVED) for RELIABILITY.md."""

from __future__ import annotations

import json
import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from assessor.models import Membership, Repository, Team
from collectors import services
from collectors.models import CollectionRun, Signal
from collectors.records import Outcome, SignalRecord
from reports.models import EmailKind, SentEmail
from reports.tasks import send_digests
from surveys.models import Response
from surveys.selectors import answer_values
from tests.reliability.conftest import FAULTS, SURVIVED, survey_snapshot
from tests.reports.conftest import populate
from tests.reports.factories import NOW, build_org, member, person

pytestmark = pytest.mark.django_db

# --- SMTP down -------------------------------------------------------------------------------------------


class DownOnceBackend(EmailBackend):
    """An SMTP server that is down for the first `failures` connections, then works: fails on open(),
    as a refused connection does, or on the first send, as a server that drops the session does."""

    failures = 1
    error: type[BaseException] = ConnectionRefusedError
    at = "open"
    attempts = 0

    def open(self) -> bool:
        if DownOnceBackend.at == "open":
            self._maybe_fail()
        return super().open()

    def send_messages(self, messages: Any) -> int:
        self.open()  # as Django's SMTP backend does: connect (if not yet connected), then send
        if DownOnceBackend.at == "send":
            self._maybe_fail()
        return super().send_messages(messages)

    def _maybe_fail(self) -> None:
        DownOnceBackend.attempts += 1
        if DownOnceBackend.attempts <= DownOnceBackend.failures:
            FAULTS["SMTP down (digest retried)"] += 1
            raise DownOnceBackend.error("SMTP unavailable (injected by the test)")


@pytest.fixture
def digest_world(loaded_model):
    organization, teams = build_org(teams=4)
    populate(organization, teams)
    member(person("ada"), organization, Membership.Role.ADMIN)
    member(person("lee"), organization, Membership.Role.TEAM_LEAD, teams[1])
    member(person("kim"), organization, Membership.Role.TEAM_LEAD, teams[2])
    return organization


@pytest.fixture
def worker_like():
    """Eager tasks whose retries run at once, as a worker would run them, instead of raising to the test."""
    conf = send_digests.app.conf
    before = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = before


@pytest.mark.parametrize(
    ("error", "at"),
    [
        (ConnectionRefusedError, "open"),
        (smtplib.SMTPConnectError, "open"),
        (smtplib.SMTPServerDisconnected, "send"),
        (smtplib.SMTPException, "send"),
        (ConnectionRefusedError, "send"),
    ],
)
def test_smtp_down_then_up_each_recipient_gets_exactly_one_digest(digest_world, settings, worker_like, error, at):
    settings.EMAIL_BACKEND = f"{__name__}.DownOnceBackend"
    DownOnceBackend.attempts, DownOnceBackend.failures, DownOnceBackend.error, DownOnceBackend.at = 0, 1, error, at
    if error is smtplib.SMTPConnectError:
        DownOnceBackend.error = lambda message: smtplib.SMTPConnectError(421, message)  # type: ignore[assignment]
    at_time = NOW - timedelta(days=4)

    result = send_digests.apply(kwargs={"frequency": "weekly", "now": at_time.isoformat()})
    again = send_digests.apply(kwargs={"frequency": "weekly", "now": (at_time + timedelta(hours=1)).isoformat()})

    assert result.successful() and again.successful(), repr(result.result)
    assert DownOnceBackend.attempts > DownOnceBackend.failures  # the fault was hit, then the retry went through
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["ada@example.com", "kim@example.com", "lee@example.com"]
    assert SentEmail.objects.filter(kind=EmailKind.DIGEST).count() == 3
    SURVIVED["SMTP down (digest retried)"] += 1


# --- a collection run killed half-way -------------------------------------------------------------------

FIRST = (SignalRecord(key="ci.files", value=3), SignalRecord(key="iac.present", value=True), SignalRecord(key="owners", value=2))
SECOND = (SignalRecord(key="ci.files", value=4), SignalRecord(key="iac.present", value=True))


def current() -> dict[str, Any]:
    return {signal.key: signal.value for signal in Signal.objects.filter(collector="git").current()}


@pytest.fixture
def repository(demo_org, rescores):
    team = Team.objects.filter(organization=demo_org).order_by("pk").first()
    return Repository.objects.create(team=team, name="svc", local_path="/nonexistent/svc")


def collect_with(monkeypatch, outcome_or_error: Any, repository: Repository) -> list[CollectionRun]:
    def adapter(*args: Any, **kwargs: Any) -> Outcome:
        if isinstance(outcome_or_error, BaseException):
            raise outcome_or_error
        return outcome_or_error

    monkeypatch.setattr(services, "collect_local", adapter)
    return services.repository_collect(repository=repository, raise_retryable=False)


def clean_run_signals(monkeypatch, repository: Repository) -> dict[str, Any]:
    collect_with(monkeypatch, Outcome(signals=SECOND), repository)
    return current()


def test_a_collector_crash_mid_run_keeps_earlier_signals_and_a_rerun_matches_a_clean_run(monkeypatch, repository):
    collect_with(monkeypatch, Outcome(signals=FIRST), repository)
    earlier = current()
    assert earlier == {"ci.files": 3, "iac.present": True, "owners": 2}

    FAULTS["collection killed mid-run"] += 1
    with pytest.raises(RuntimeError):
        collect_with(monkeypatch, RuntimeError("worker killed (injected)"), repository)
    crashed = CollectionRun.objects.order_by("-pk").first()
    assert crashed.status == CollectionRun.Status.FAILED and "worker killed" in crashed.error
    assert current() == earlier  # nothing collected before is lost or hidden

    collect_with(monkeypatch, Outcome(signals=SECOND), repository)
    assert current() == {"ci.files": 4, "iac.present": True}  # what one clean run of SECOND gives
    SURVIVED["collection killed mid-run"] += 1


def test_a_crash_while_storing_signals_stores_none_and_a_rerun_matches_a_clean_run(monkeypatch, repository):
    collect_with(monkeypatch, Outcome(signals=FIRST), repository)
    earlier = current()
    signals_before = Signal.objects.count()

    def killed(**kwargs: Any) -> Any:
        raise SystemExit("worker killed while evaluating evidence (injected)")

    FAULTS["collection killed mid-run"] += 1
    monkeypatch.setattr(services, "evidence_evaluate", killed)
    with pytest.raises(SystemExit):
        collect_with(monkeypatch, Outcome(signals=SECOND), repository)
    monkeypatch.undo()
    assert Signal.objects.count() == signals_before and current() == earlier  # the half-written run left no rows
    hanging = CollectionRun.objects.order_by("-pk").first()
    assert hanging.status == CollectionRun.Status.RUNNING  # as a worker killed at that point would leave it

    # The task runs again after the stuck window: the hanging run is closed and the result is a clean run's.
    CollectionRun.objects.filter(pk=hanging.pk).update(started_at=timezone.now() - services.STUCK_AFTER - timedelta(minutes=1))
    collect_with(monkeypatch, Outcome(signals=SECOND), repository)
    hanging.refresh_from_db()
    assert hanging.status == CollectionRun.Status.FAILED and "worker lost" in hanging.error
    assert current() == {"ci.files": 4, "iac.present": True}
    assert not CollectionRun.objects.running().exists()
    SURVIVED["collection killed mid-run"] += 1


def test_a_run_left_running_does_not_hide_signals_and_a_rerun_twice_is_the_same_as_once(monkeypatch, repository):
    collect_with(monkeypatch, Outcome(signals=FIRST), repository)
    FAULTS["collection killed mid-run"] += 1
    stuck = services.run_start(source=repository, collector="git", trigger="manual")  # the worker died right after this
    assert current() == {"ci.files": 3, "iac.present": True, "owners": 2}

    collect_with(monkeypatch, Outcome(signals=SECOND), repository)
    once = current()
    collect_with(monkeypatch, Outcome(signals=SECOND), repository)
    assert current() == once == {"ci.files": 4, "iac.present": True}
    assert CollectionRun.objects.filter(
        pk=stuck.pk, status=CollectionRun.Status.RUNNING
    ).exists()  # closed only after STUCK_AFTER
    SURVIVED["collection killed mid-run"] += 1


# --- a survey submit retried after the connection dropped ------------------------------------------------


@pytest.fixture
def invitation(invite, rescores):
    return invite()


def complete_answers(invitation: Any) -> dict[str, Any]:
    from tests.api.conftest import answers_for

    return answers_for(invitation.wave.instrument.spec(), invitation.role, level=2)


def test_a_submit_sent_twice_after_a_dropped_connection_records_one_submission(client, invitation):
    path = f"/api/v1/responses/{invitation.token()}/"
    raw = complete_answers(invitation)
    saved = client.put(path, json.dumps({"version": 0, "answers": raw}), "application/json")
    assert saved.status_code == 200, saved.content
    version = saved.json()["version"]
    stored = answer_values(Response.objects.get(invitation=invitation))

    FAULTS["submit retried after a dropped connection"] += 1
    body = json.dumps({"version": version, "answers": raw})
    first = client.post(path + "submit/", body, content_type="application/json")  # the reply is lost on the way back
    after_first = survey_snapshot()
    retry = client.post(path + "submit/", body, content_type="application/json")

    assert first.status_code == retry.status_code == 200, (first.content, retry.content)
    assert (first.json()["submitted_now"], retry.json()["submitted_now"]) == (True, False)
    assert retry.json()["status"] == "submitted" and retry.json()["submitted_at"] == first.json()["submitted_at"]
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert survey_snapshot() == after_first  # the retry wrote nothing
    assert answer_values(Response.objects.get(invitation=invitation)) == stored and len(stored) == len(raw)
    SURVIVED["submit retried after a dropped connection"] += 1


def test_a_save_retried_after_a_dropped_connection_is_a_409_and_loses_nothing(client, invitation):
    path = f"/api/v1/responses/{invitation.token()}/"
    body = json.dumps({"version": 0, "answers": {"coop.pains": "Waiting on databases"}})
    FAULTS["save retried after a dropped connection"] += 1
    first = client.put(path, body, "application/json")
    retry = client.put(path, body, "application/json")

    assert first.status_code == 200 and retry.status_code == 409
    assert retry.json()["error"]["details"] == {"current_version": first.json()["version"]}
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert answer_values(Response.objects.get(invitation=invitation)) == {"coop.pains": "Waiting on databases"}
    SURVIVED["save retried after a dropped connection"] += 1


def test_a_submit_without_answers_sent_three_times_keeps_one_submission(client, invitation):
    from surveys.services import response_save

    raw = complete_answers(invitation)
    saved = response_save(invitation=invitation, version=0, raw=raw, now=timezone.now())
    version = saved.response.version
    stored = answer_values(saved.response)
    FAULTS["submit retried after a dropped connection"] += 1
    path = f"/api/v1/responses/{invitation.token()}/submit/"
    replies = [client.post(path, json.dumps({"version": version}), content_type="application/json") for _ in range(3)]
    assert [reply.status_code for reply in replies] == [200, 200, 200]
    assert [reply.json()["submitted_now"] for reply in replies] == [True, False, False]
    response = Response.objects.get(invitation=invitation)
    assert response.status == Response.Status.SUBMITTED and response.version == replies[0].json()["version"]
    assert answer_values(response) == stored and len(stored) == len(raw)
    SURVIVED["submit retried after a dropped connection"] += 1
