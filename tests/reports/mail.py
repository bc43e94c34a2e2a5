"""Email backends for tests: one that fails while told to, like an SMTP server that is down for a while,
one that holds each send until released, to line up two senders at the same moment, and one whose worker
dies mid-send."""

from __future__ import annotations

import smtplib
import threading
from typing import Any

from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction


class FlakyBackend(EmailBackend):
    """Fails the sends whose numbers (1-based, counted across instances) are in `failing`."""

    failing: set[int] = set()
    attempts = 0
    lock = threading.Lock()

    def send_messages(self, messages: Any) -> int:
        with FlakyBackend.lock:
            FlakyBackend.attempts += 1
            attempt = FlakyBackend.attempts
        if attempt in FlakyBackend.failing:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (test)")
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    """Signals `sending` when a send starts, then waits for `release` before it completes. Records, for each
    send, whether the sending thread was inside a database transaction at that moment."""

    sending = threading.Event()
    release = threading.Event()
    in_transaction: list[bool] = []

    @classmethod
    def reset(cls) -> None:
        cls.sending.clear()
        cls.release.clear()
        cls.in_transaction = []

    def send_messages(self, messages: Any) -> int:
        SlowBackend.in_transaction.append(transaction.get_connection().in_atomic_block)
        SlowBackend.sending.set()
        SlowBackend.release.wait(timeout=10)
        return super().send_messages(messages)


class WorkerKilledBackend(EmailBackend):
    """The worker dies while the email is being handed over: no exception handler of the sender runs on."""

    def send_messages(self, messages: Any) -> int:
        raise SystemExit("worker killed while sending (test)")
