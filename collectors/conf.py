"""Every setting and environment variable the collectors read, with its default, in one place.

Non-secret values come from Django settings when defined there, else from the environment, else the
default. Secrets (GitHub token and App key) come only from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA = Path(__file__).resolve().parent / "data"


def _value(name: str, default: str) -> str:
    configured = getattr(settings, name, None)
    if configured is not None:
        return str(configured)
    return os.environ.get(name, "") or default


def _number(name: str, default: float) -> float:
    raw = _value(name, str(default))
    try:
        number = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, got {raw!r}")
    return number


def signal_retention_days() -> int:
    """Signals of runs older than this are pruned; each key's latest value is always kept."""
    return int(_number("COLLECTORS_SIGNAL_RETENTION_DAYS", 180))


def max_dump_bytes() -> int:
    """Largest `kubectl get -o json` dump accepted, uploaded or read from a snapshot path."""
    return int(_number("COLLECTORS_MAX_DUMP_BYTES", 50 * 1024 * 1024))


def max_ci_body_bytes() -> int:
    """Largest JSON body a CI pipeline may post to the evidence endpoint."""
    return int(_number("COLLECTORS_CI_MAX_BODY_BYTES", 256 * 1024))


def rules_file() -> Path:
    return Path(_value("COLLECTORS_RULES_FILE", str(DATA / "evidence_rules" / "rules-1.yaml")))


def git_binary() -> str:
    return _value("COLLECTORS_GIT_BINARY", "git")


def git_timeout() -> float:
    """Seconds one git command may take before the scan gives up."""
    return _number("COLLECTORS_GIT_TIMEOUT", 60)


def github_base_url() -> str:
    """The REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server."""
    return _value("GITHUB_BASE_URL", "https://api.github.com").rstrip("/")


def github_timeout() -> int:
    return max(1, int(_number("GITHUB_TIMEOUT", 15)))


def github_max_rate_limit_wait() -> float:
    """Longest pause, in seconds, for a rate limit to reset before the task is rescheduled instead."""
    return _number("GITHUB_MAX_RATE_LIMIT_WAIT", 60)


def github_survey_label() -> str:
    """Issues carrying this label are survey answers given through an issue form."""
    return _value("GITHUB_SURVEY_LABEL", "survey")


def github_max_blobs() -> int:
    """Most file contents fetched per repository; keeps a cold run within 20 API calls."""
    return int(_number("GITHUB_MAX_BLOBS", 6))


def github_token() -> str:
    return os.environ.get("GITHUB_TOKEN", "")


def github_app_credentials() -> tuple[int, str, int] | None:
    """(app id, private key PEM, installation id) when all three GitHub App variables are set."""
    app_id = os.environ.get("GITHUB_APP_ID", "")
    key = os.environ.get("GITHUB_APP_PRIVATE_KEY", "")
    installation = os.environ.get("GITHUB_APP_INSTALLATION_ID", "")
    if not (app_id and key and installation):
        return None
    if not key.lstrip().startswith("-----BEGIN"):
        # The variable may name a file holding the key instead of the key itself.
        key = Path(key).read_text()
    try:
        return int(app_id), key, int(installation)
    except ValueError as exc:
        raise ImproperlyConfigured("GITHUB_APP_ID and GITHUB_APP_INSTALLATION_ID must be whole numbers.") from exc


def kubeconfig() -> str | None:
    """The kubeconfig file(s) clusters' contexts are read from; None means ~/.kube/config."""
    return os.environ.get("KUBECONFIG") or None


def kubernetes_timeout() -> float:
    return _number("KUBERNETES_TIMEOUT", 15)
