"""The reports app's settings. assessor/settings.py reads each from the environment, with its default;
the rest of the app asks these functions rather than django.conf.settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

DATA = Path(__file__).resolve().parent / "data"


def site_url() -> str:
    """SITE_URL: the absolute base of links in emails."""
    return str(settings.SITE_URL).rstrip("/")


def benchmarks_file() -> Path:
    """REPORTS_BENCHMARKS_FILE: the published level distributions the trend report can overlay."""
    return Path(settings.REPORTS_BENCHMARKS_FILE)


def capabilities_file() -> Path | None:
    """CAPABILITIES_FILE: names of the capability domains (the white paper's 13)."""
    value = settings.CAPABILITIES_FILE
    return Path(value) if value else None


def maturity_model_file() -> Path:
    """MATURITY_MODEL_FILE: aspect and level names."""
    return Path(settings.MATURITY_MODEL_FILE)


def reminder_max() -> int:
    """REPORTS_REMINDER_MAX: the most reminders one person gets for one wave."""
    return int(settings.REPORTS_REMINDER_MAX)


def reminder_days_apart() -> int:
    """REPORTS_REMINDER_DAYS_APART: days between reminders, and between a wave opening and its first reminder."""
    return int(settings.REPORTS_REMINDER_DAYS_APART)


def digest_default_frequency() -> str:
    """REPORTS_DIGEST_DEFAULT_FREQUENCY: "weekly" or "monthly", for people who have not chosen."""
    return str(settings.REPORTS_DIGEST_DEFAULT_FREQUENCY)


def digest_max_rows() -> int:
    """REPORTS_DIGEST_MAX_ROWS: how many teams, changes and gaps a digest lists before pointing to the dashboard."""
    return int(settings.REPORTS_DIGEST_MAX_ROWS)


def email_retry_max() -> int:
    """REPORTS_EMAIL_MAX_RETRIES: how often an email task is retried, with growing pauses, when SMTP fails."""
    return int(settings.REPORTS_EMAIL_MAX_RETRIES)


def email_unconfirmed_minutes() -> int:
    """REPORTS_EMAIL_UNCONFIRMED_MINUTES: after how long a claimed email that was never confirmed sent is reported
    (its run died between claim and confirmation); such an email is not sent again."""
    return int(settings.REPORTS_EMAIL_UNCONFIRMED_MINUTES)


def from_email() -> str:
    """DEFAULT_FROM_EMAIL: the sender of digests and reminders."""
    return str(settings.DEFAULT_FROM_EMAIL)


def export_min_group() -> int:
    """TAG_EXPORT_MIN_GROUP: the fewest respondents behind any figure that leaves a team's own view."""
    return max(1, int(settings.TAG_EXPORT_MIN_GROUP))


def practice_min_teams() -> int:
    """REPORTS_PRACTICE_MIN_TEAMS: the fewest application teams on each side of a practices comparison."""
    return max(2, int(settings.REPORTS_PRACTICE_MIN_TEAMS))


def dashboard_cache_seconds() -> int:
    """REPORTS_DASHBOARD_CACHE_SECONDS: how long a dashboard page's data is kept in the cache (0: not cached)."""
    return int(settings.REPORTS_DASHBOARD_CACHE_SECONDS)


def community_benchmark_url() -> str:
    """REPORTS_COMMUNITY_BENCHMARK_URL: where the scheduled task fetches a community's benchmark file from."""
    return str(settings.REPORTS_COMMUNITY_BENCHMARK_URL)


def community_token() -> str:
    """COMMUNITY_TOKEN: the contributor token sent with that fetch (and by `publish_release`)."""
    return str(settings.COMMUNITY_TOKEN)


def http_timeout() -> float:
    """COMMUNITY_HTTP_TIMEOUT: seconds to wait for the community's deployment."""
    return float(settings.COMMUNITY_HTTP_TIMEOUT)


def http_retries() -> int:
    """COMMUNITY_HTTP_RETRIES: retries of a fetch after a connection error, a 429 or a 5xx."""
    return max(0, int(settings.COMMUNITY_HTTP_RETRIES))
