"""The collectors' settings. assessor/settings.py reads each from the environment, with its default (the
GitHub credentials have none); the rest of the app asks these functions rather than django.conf.settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA = Path(__file__).resolve().parent / "data"


def signal_retention_days() -> int:
    """COLLECTORS_SIGNAL_RETENTION_DAYS: signals of older runs are pruned; each key's latest value is always kept."""
    return int(settings.COLLECTORS_SIGNAL_RETENTION_DAYS)


def max_dump_bytes() -> int:
    """COLLECTORS_MAX_DUMP_BYTES: largest `kubectl get -o json` dump accepted, uploaded or read from a snapshot path."""
    return int(settings.COLLECTORS_MAX_DUMP_BYTES)


def max_ci_body_bytes() -> int:
    """COLLECTORS_CI_MAX_BODY_BYTES: largest JSON body a CI pipeline may post to the evidence endpoint."""
    return int(settings.COLLECTORS_CI_MAX_BODY_BYTES)


def rules_file() -> Path:
    """COLLECTORS_RULES_FILE: the evidence rules in use."""
    return Path(settings.COLLECTORS_RULES_FILE)


def git_binary() -> str:
    """COLLECTORS_GIT_BINARY: the git executable."""
    return str(settings.COLLECTORS_GIT_BINARY)


def git_timeout() -> float:
    """COLLECTORS_GIT_TIMEOUT: seconds one git command may take before the scan gives up."""
    return float(settings.COLLECTORS_GIT_TIMEOUT)


def local_roots() -> list[Path]:
    """COLLECTORS_LOCAL_ROOTS: the directories local repositories and cluster snapshots must lie under."""
    return [Path(root) for root in settings.COLLECTORS_LOCAL_ROOTS]


def github_base_url() -> str:
    """GITHUB_BASE_URL: the REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server."""
    return str(settings.GITHUB_BASE_URL).rstrip("/")


def github_timeout() -> int:
    """GITHUB_TIMEOUT: seconds per request, at least one."""
    return max(1, int(settings.GITHUB_TIMEOUT))


def github_max_rate_limit_wait() -> float:
    """GITHUB_MAX_RATE_LIMIT_WAIT: longest pause, in seconds, for a rate limit to reset before the task is rescheduled."""
    return float(settings.GITHUB_MAX_RATE_LIMIT_WAIT)


def github_survey_label() -> str:
    """GITHUB_SURVEY_LABEL: issues carrying this label are survey answers given through an issue form."""
    return str(settings.GITHUB_SURVEY_LABEL)


def github_max_blobs() -> int:
    """GITHUB_MAX_BLOBS: most file contents fetched per repository; keeps a cold run within 20 API calls."""
    return int(settings.GITHUB_MAX_BLOBS)


def github_max_calls() -> int:
    """GITHUB_MAX_CALLS: most HTTP requests one repository's run may make; what is left unread is reported as skipped."""
    return max(1, int(settings.GITHUB_MAX_CALLS))


def github_org_max_calls() -> int:
    """GITHUB_ORG_MAX_CALLS: most HTTP requests one `sync_github_org` run may make; past it the run changes nothing."""
    return max(1, int(settings.GITHUB_ORG_MAX_CALLS))


def github_org_team_kinds() -> str:
    """GITHUB_ORG_TEAM_KINDS: `slug=kind,...` for GitHub teams that are platform or infrastructure teams."""
    return str(settings.GITHUB_ORG_TEAM_KINDS)


def github_token() -> str:
    """GITHUB_TOKEN: the token the GitHub collector authenticates with when no App is configured."""
    return str(settings.GITHUB_TOKEN or "")


def github_app_credentials() -> tuple[int, str, int] | None:
    """(app id, private key PEM, installation id) when all three GitHub App variables are set."""
    app_id = str(settings.GITHUB_APP_ID or "")
    key = str(settings.GITHUB_APP_PRIVATE_KEY or "")
    installation = str(settings.GITHUB_APP_INSTALLATION_ID or "")
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
    """KUBECONFIG: the kubeconfig file(s) clusters' contexts are read from; None means ~/.kube/config."""
    return str(settings.KUBECONFIG) if settings.KUBECONFIG else None


def kubernetes_timeout() -> float:
    """KUBERNETES_TIMEOUT: seconds a Kubernetes API call may take."""
    return float(settings.KUBERNETES_TIMEOUT)
