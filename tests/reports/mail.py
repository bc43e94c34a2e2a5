"""Email backends for tests: one that fails while told to, like an SMTP server that is down for a while,
and one that holds each send until released, to line up two senders at the same moment."""

from __future__ import annotations

import smtplib
import threading
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


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
    """Signals `sending` when a send starts, then waits for `release` before it completes."""

    sending = threading.Event()
    release = threading.Event()

    def send_messages(self, messages: Any) -> int:
        SlowBackend.sending.set()
        SlowBackend.release.wait(timeout=10)
        return super().send_messages(messages)
