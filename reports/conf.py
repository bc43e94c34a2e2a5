"""Every setting the reports app reads, with its default, in one place; the rest of the app never reads settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data"


def site_url() -> str:
    """SITE_URL: the absolute base of links in emails."""
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def benchmarks_file() -> Path:
    """REPORTS_BENCHMARKS_FILE: the published level distributions the trend report can overlay."""
    return Path(getattr(settings, "REPORTS_BENCHMARKS_FILE", DATA / "benchmarks" / "state-of-platform-engineering.yaml"))


def capabilities_file() -> Path | None:
    """CAPABILITIES_FILE: names of the capability domains (the white paper's 13)."""
    value = getattr(settings, "CAPABILITIES_FILE", None)
    return Path(value) if value else None


def maturity_model_file() -> Path:
    """MATURITY_MODEL_FILE: aspect and level names."""
    return Path(settings.MATURITY_MODEL_FILE)


def reminder_max() -> int:
    """REPORTS_REMINDER_MAX: the most reminders one person gets for one wave."""
    return int(getattr(settings, "REPORTS_REMINDER_MAX", 3))


def reminder_days_apart() -> int:
    """REPORTS_REMINDER_DAYS_APART: days between reminders, and between a wave opening and its first reminder."""
    return int(getattr(settings, "REPORTS_REMINDER_DAYS_APART", 3))


def digest_default_frequency() -> str:
    """REPORTS_DIGEST_DEFAULT_FREQUENCY: "weekly" or "monthly", for people who have not chosen."""
    return str(getattr(settings, "REPORTS_DIGEST_DEFAULT_FREQUENCY", "weekly"))


def digest_max_rows() -> int:
    """REPORTS_DIGEST_MAX_ROWS: how many teams, changes and gaps a digest lists before pointing to the dashboard."""
    return int(getattr(settings, "REPORTS_DIGEST_MAX_ROWS", 25))


def email_retry_max() -> int:
    """REPORTS_EMAIL_MAX_RETRIES: how often an email task is retried, with growing pauses, when SMTP fails."""
    return int(getattr(settings, "REPORTS_EMAIL_MAX_RETRIES", 5))


def email_unconfirmed_minutes() -> int:
    """REPORTS_EMAIL_UNCONFIRMED_MINUTES: after how long a claimed email that was never confirmed sent is reported
    (its run died between claim and confirmation); such an email is not sent again."""
    return int(getattr(settings, "REPORTS_EMAIL_UNCONFIRMED_MINUTES", 15))


def from_email() -> str:
    """DEFAULT_FROM_EMAIL: the sender of digests and reminders."""
    return str(getattr(settings, "DEFAULT_FROM_EMAIL", "assessor@localhost"))
