"""The error every collector adapter raises: a message for people and whether trying again may help."""

from __future__ import annotations


class CollectorError(Exception):
    """Base of each adapter's own error type; `retryable` tells the task whether to reschedule."""

    source = "collector"

    def __init__(self, message: str, *, retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message
