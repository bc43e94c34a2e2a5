"""The community's settings. assessor/settings.py reads each from the environment, with its default;
the app asks these functions rather than django.conf.settings."""

from __future__ import annotations

from django.conf import settings


def min_orgs() -> int:
    """COMMUNITY_MIN_ORGS: the fewest organizations behind any published cell of the community report."""
    return max(2, int(settings.COMMUNITY_MIN_ORGS))


def min_respondents() -> int:
    """TAG_EXPORT_MIN_GROUP: the fewest respondents behind any published cell, as in each organization's release."""
    return max(1, int(settings.TAG_EXPORT_MIN_GROUP))


def public() -> bool:
    """COMMUNITY_PUBLIC: whether anyone may read community reports (otherwise its reviewers and admins only)."""
    return bool(settings.COMMUNITY_PUBLIC)


def max_release_bytes() -> int:
    """COMMUNITY_MAX_RELEASE_BYTES: the largest release document a community accepts."""
    return int(settings.COMMUNITY_MAX_RELEASE_BYTES)


def token() -> str:
    """COMMUNITY_TOKEN: the contributor token `publish_release` sends when none is given on the command line."""
    return str(settings.COMMUNITY_TOKEN)


def http_timeout() -> float:
    """COMMUNITY_HTTP_TIMEOUT: seconds to wait for the other deployment."""
    return float(settings.COMMUNITY_HTTP_TIMEOUT)


def http_retries() -> int:
    """COMMUNITY_HTTP_RETRIES: how often a send or fetch is retried after a connection error or a 5xx/429."""
    return max(0, int(settings.COMMUNITY_HTTP_RETRIES))
