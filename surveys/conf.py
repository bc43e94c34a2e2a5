"""The surveys app's settings. assessor/settings.py reads each from the environment, with its default;
the rest of the app asks these functions rather than django.conf.settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

BUNDLED_INSTRUMENT = Path(__file__).resolve().parent / "data" / "instruments" / "pemm-cooperation-1.yaml"
# Version 2 adds "How does it reach you?" to the capability table; the demo's newer waves use it.
BUNDLED_INSTRUMENT_2 = BUNDLED_INSTRUMENT.with_name("pemm-cooperation-2.yaml")


def default_instrument_file() -> Path:
    """SURVEYS_DEFAULT_INSTRUMENT: the question bank `load_instrument` and the demo load when given no file."""
    return Path(settings.SURVEYS_DEFAULT_INSTRUMENT)


def token_secret() -> str:
    """SURVEYS_TOKEN_SECRET: the key invitation tokens are derived with (SECRET_KEY unless set)."""
    return str(settings.SURVEYS_TOKEN_SECRET)


def max_autosave_bytes() -> int:
    """SURVEYS_MAX_AUTOSAVE_BYTES: the largest autosave request body accepted."""
    return int(settings.SURVEYS_MAX_AUTOSAVE_BYTES)


def max_text_length() -> int:
    """SURVEYS_MAX_TEXT_LENGTH: the longest free-text answer accepted, in characters."""
    return int(settings.SURVEYS_MAX_TEXT_LENGTH)


def max_issue_body_bytes() -> int:
    """SURVEYS_MAX_ISSUE_BODY_BYTES: the largest issue body imported; bigger ones are skipped with a reason."""
    return int(settings.SURVEYS_MAX_ISSUE_BODY_BYTES)


def result_min_respondents() -> int:
    """SURVEYS_RESULT_MIN_RESPONDENTS: submitted answers a team needs before its figures show on the result page."""
    return int(settings.SURVEYS_RESULT_MIN_RESPONDENTS)


def read_grace_days() -> int:
    """SURVEYS_READ_GRACE_DAYS: days after a wave closes that its links still show the answers given."""
    return int(settings.SURVEYS_READ_GRACE_DAYS)


def site_url() -> str:
    """SITE_URL: where the service is reached, for links printed outside a request (demo, commands)."""
    return str(settings.SITE_URL).rstrip("/")


def capabilities_file() -> Path | None:
    """CAPABILITIES_FILE: names and descriptions of the capability domains shown in the cooperation table."""
    value = settings.CAPABILITIES_FILE
    return Path(value) if value else None
