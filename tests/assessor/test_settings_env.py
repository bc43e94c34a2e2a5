"""Each documented variable reaches the app that uses it: set in a fresh process's environment, read back
through the app's conf accessor. Variables are batched, a few processes in all, to keep this fast."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from assessor.settings import env_choice, env_float, env_int

ROOT = Path(__file__).resolve().parents[2]
KEY = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n"

# (accessor as the app calls it, what it returns with the environment below); JSON shows paths as strings.
ACCESSORS = {
    "surveys.site_url()": "https://assess.example.com",
    "reports.site_url()": "https://assess.example.com",
    "reports.from_email()": "digests@assess.example.com",
    "surveys.capabilities_file()": "{tmp}/capabilities.yaml",
    "reports.capabilities_file()": "{tmp}/capabilities.yaml",
    "surveys.default_instrument_file()": "{tmp}/instrument.yaml",
    "surveys.token_secret()": "rotated-token-secret",
    "surveys.max_autosave_bytes()": 1000,
    "surveys.max_text_length()": 500,
    "surveys.max_issue_body_bytes()": 2000,
    "surveys.result_min_respondents()": 5,
    "surveys.read_grace_days()": 7,
    "reports.benchmarks_file()": "{tmp}/benchmarks.yaml",
    "reports.reminder_max()": 7,
    "reports.reminder_days_apart()": 2,
    "reports.digest_default_frequency()": "monthly",
    "reports.digest_max_rows()": 40,
    "reports.email_retry_max()": 1,
    "reports.email_unconfirmed_minutes()": 45,
    "reports.export_min_group()": 7,
    "reports.community_benchmark_url()": "https://reviews.example.com/api/v1/communities/tag/benchmark/",
    "reports.community_token()": "contributor-key",
    "reports.http_timeout()": 3.5,
    "reports.http_retries()": 1,
    "community.min_orgs()": 4,
    "community.public()": True,
    "community.max_release_bytes()": 5000,
    "community.token()": "contributor-key",
    "community.http_timeout()": 3.5,
    "community.http_retries()": 1,
    "collectors.signal_retention_days()": 30,
    "collectors.max_dump_bytes()": 1234,
    "collectors.max_ci_body_bytes()": 4321,
    "collectors.rules_file()": "{tmp}/rules.yaml",
    "collectors.git_binary()": "/opt/git/bin/git",
    "collectors.git_timeout()": 2.5,
    "collectors.local_roots()": ["{tmp}/repos", "{tmp}/snapshots"],
    "collectors.github_base_url()": "https://ghe.example.com/api/v3",
    "collectors.github_timeout()": 7,
    "collectors.github_max_rate_limit_wait()": 0.5,
    "collectors.github_survey_label()": "maturity-survey",
    "collectors.github_max_blobs()": 3,
    "collectors.github_max_calls()": 40,
    "collectors.github_org_max_calls()": 300,
    "collectors.github_org_team_kinds()": "platform=platform",
    "collectors.github_token()": "test-token",
    "collectors.github_app_credentials()": [12, KEY, 34],
    "collectors.kubeconfig()": "{tmp}/kubeconfig",
    "collectors.kubernetes_timeout()": 4.5,
}
ENVIRONMENT = {
    "SITE_URL": "https://assess.example.com/",
    "DEFAULT_FROM_EMAIL": "digests@assess.example.com",
    "CAPABILITIES_FILE": "{tmp}/capabilities.yaml",
    "SURVEYS_DEFAULT_INSTRUMENT": "{tmp}/instrument.yaml",
    "SURVEYS_TOKEN_SECRET": "rotated-token-secret",
    "SURVEYS_MAX_AUTOSAVE_BYTES": "1000",
    "SURVEYS_MAX_TEXT_LENGTH": "500",
    "SURVEYS_MAX_ISSUE_BODY_BYTES": "2000",
    "SURVEYS_RESULT_MIN_RESPONDENTS": "5",
    "SURVEYS_READ_GRACE_DAYS": "7",
    "REPORTS_BENCHMARKS_FILE": "{tmp}/benchmarks.yaml",
    "REPORTS_REMINDER_MAX": "7",
    "REPORTS_REMINDER_DAYS_APART": "2",
    "REPORTS_DIGEST_DEFAULT_FREQUENCY": "monthly",
    "REPORTS_DIGEST_MAX_ROWS": "40",
    "REPORTS_EMAIL_MAX_RETRIES": "1",
    "REPORTS_EMAIL_UNCONFIRMED_MINUTES": "45",
    "TAG_EXPORT_MIN_GROUP": "7",
    "REPORTS_COMMUNITY_BENCHMARK_URL": "https://reviews.example.com/api/v1/communities/tag/benchmark/",
    "COMMUNITY_TOKEN": "contributor-key",
    "COMMUNITY_HTTP_TIMEOUT": "3.5",
    "COMMUNITY_HTTP_RETRIES": "1",
    "COMMUNITY_MIN_ORGS": "4",
    "COMMUNITY_PUBLIC": "1",
    "COMMUNITY_MAX_RELEASE_BYTES": "5000",
    "COLLECTORS_SIGNAL_RETENTION_DAYS": "30",
    "COLLECTORS_MAX_DUMP_BYTES": "1234",
    "COLLECTORS_CI_MAX_BODY_BYTES": "4321",
    "COLLECTORS_RULES_FILE": "{tmp}/rules.yaml",
    "COLLECTORS_GIT_BINARY": "/opt/git/bin/git",
    "COLLECTORS_GIT_TIMEOUT": "2.5",
    "COLLECTORS_LOCAL_ROOTS": "{tmp}/repos" + os.pathsep + "{tmp}/snapshots",
    "GITHUB_BASE_URL": "https://ghe.example.com/api/v3/",
    "GITHUB_TIMEOUT": "7",
    "GITHUB_MAX_RATE_LIMIT_WAIT": "0.5",
    "GITHUB_SURVEY_LABEL": "maturity-survey",
    "GITHUB_MAX_BLOBS": "3",
    "GITHUB_MAX_CALLS": "40",
    "GITHUB_ORG_MAX_CALLS": "300",
    "GITHUB_ORG_TEAM_KINDS": "platform=platform",
    "GITHUB_TOKEN": "test-token",
    "GITHUB_APP_ID": "12",
    "GITHUB_APP_PRIVATE_KEY": KEY,
    "GITHUB_APP_INSTALLATION_ID": "34",
    "KUBECONFIG": "{tmp}/kubeconfig",
    "KUBERNETES_TIMEOUT": "4.5",
}
# What the same accessors return with none of those variables set: the defaults README.md documents.
DEFAULTS = {
    "surveys.site_url()": "http://127.0.0.1:8000",
    "reports.site_url()": "http://127.0.0.1:8000",
    "reports.from_email()": "assessor@localhost",
    "surveys.capabilities_file()": f"{ROOT}/assessor/data/capabilities.yaml",
    "reports.capabilities_file()": f"{ROOT}/assessor/data/capabilities.yaml",
    "surveys.default_instrument_file()": f"{ROOT}/surveys/data/instruments/pemm-cooperation-1.yaml",
    "surveys.token_secret()": "the-secret-key",
    "surveys.max_autosave_bytes()": 256 * 1024,
    "surveys.max_text_length()": 10_000,
    "surveys.max_issue_body_bytes()": 256 * 1024,
    "surveys.result_min_respondents()": 3,
    "surveys.read_grace_days()": 30,
    "reports.benchmarks_file()": f"{ROOT}/reports/data/benchmarks/state-of-platform-engineering.yaml",
    "reports.reminder_max()": 3,
    "reports.reminder_days_apart()": 3,
    "reports.digest_default_frequency()": "weekly",
    "reports.digest_max_rows()": 25,
    "reports.email_retry_max()": 5,
    "reports.email_unconfirmed_minutes()": 15,
    "reports.export_min_group()": 5,
    "reports.community_benchmark_url()": "",
    "reports.community_token()": "",
    "reports.http_timeout()": 15,
    "reports.http_retries()": 3,
    "community.min_orgs()": 3,
    "community.public()": False,
    "community.max_release_bytes()": 2 * 1024 * 1024,
    "community.token()": "",
    "community.http_timeout()": 15,
    "community.http_retries()": 3,
    "collectors.signal_retention_days()": 180,
    "collectors.max_dump_bytes()": 50 * 1024 * 1024,
    "collectors.max_ci_body_bytes()": 256 * 1024,
    "collectors.rules_file()": f"{ROOT}/collectors/data/evidence_rules/rules-1.yaml",
    "collectors.git_binary()": "git",
    "collectors.git_timeout()": 60,
    "collectors.local_roots()": ["{tmp}", f"{ROOT}/collectors/data"],
    "collectors.github_base_url()": "https://api.github.com",
    "collectors.github_timeout()": 15,
    "collectors.github_max_rate_limit_wait()": 60,
    "collectors.github_survey_label()": "survey",
    "collectors.github_max_blobs()": 6,
    "collectors.github_max_calls()": 100,
    "collectors.github_org_max_calls()": 2000,
    "collectors.github_org_team_kinds()": "",
    "collectors.github_token()": "",
    "collectors.github_app_credentials()": None,
    "collectors.kubeconfig()": None,
    "collectors.kubernetes_timeout()": 15,
}
PRINT_ACCESSORS = (
    "import json, django\n"
    "django.setup()\n"
    "from collectors import conf as collectors\n"
    "from community import conf as community\n"
    "from reports import conf as reports\n"
    "from surveys import conf as surveys\n"
    "print(json.dumps({" + ", ".join(f"{call!r}: {call}" for call in ACCESSORS) + "}, default=str))\n"
)


def documented_variables() -> set[str]:
    """The names in README.md's configuration table."""
    section = (ROOT / "README.md").read_text().split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row)}


def variables_read_in_settings() -> set[str]:
    source = (ROOT / "assessor" / "settings.py").read_text()
    return set(re.findall(r'(?:env_[a-z]+|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', source))


def filled(value: object, tmp: Path) -> object:
    """An expected value with `{tmp}` filled in, in text and in lists of text."""
    if isinstance(value, str):
        return value.format(tmp=tmp)
    if isinstance(value, list):
        return [filled(item, tmp) for item in value]
    return value


def run_fresh(code: str, **env: str) -> subprocess.CompletedProcess:
    """`code` in a new interpreter on the service's own settings, with none of the documented variables inherited."""
    unset = documented_variables() | variables_read_in_settings() | {"DJANGO_SETTINGS_MODULE"}
    base = {key: value for key, value in os.environ.items() if key not in unset}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "assessor.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_documents_every_variable_settings_reads_and_reads_every_documented_one():
    assert variables_read_in_settings() == documented_variables()


def test_it_hands_every_variable_set_in_the_environment_to_the_app_that_uses_it(tmp_path):
    env = {name: value.format(tmp=tmp_path) for name, value in ENVIRONMENT.items()}
    result = run_fresh(PRINT_ACCESSORS, DATA_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    expected = {call: filled(value, tmp_path) for call, value in ACCESSORS.items()}
    assert json.loads(result.stdout) == expected


def test_it_falls_back_to_the_documented_defaults(tmp_path):
    result = run_fresh(PRINT_ACCESSORS, DATA_DIR=str(tmp_path), SECRET_KEY="the-secret-key")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {call: filled(value, tmp_path) for call, value in DEFAULTS.items()}


def test_it_stops_at_start_up_on_a_bad_number_naming_the_variable(tmp_path):
    result = run_fresh("import django; django.setup()", DATA_DIR=str(tmp_path), REPORTS_REMINDER_MAX="three")
    assert result.returncode != 0
    assert "ImproperlyConfigured: REPORTS_REMINDER_MAX must be a whole number, got 'three'" in result.stderr
    assert "ValueError" not in result.stderr  # one message, not a chain of tracebacks


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (env_int, "-1", "SURVEYS_MAX_TEXT_LENGTH must not be negative, got '-1'"),
        (env_int, "2.5", "SURVEYS_MAX_TEXT_LENGTH must be a whole number, got '2.5'"),
        (env_int, "10k", "SURVEYS_MAX_TEXT_LENGTH must be a whole number, got '10k'"),
        (env_float, "soon", "SURVEYS_MAX_TEXT_LENGTH must be a number, got 'soon'"),
        (env_float, "nan", "SURVEYS_MAX_TEXT_LENGTH must be a number, got 'nan'"),
        (env_float, "-0.5", "SURVEYS_MAX_TEXT_LENGTH must not be negative, got '-0.5'"),
    ],
)
def test_it_refuses_a_bad_number_naming_the_variable(monkeypatch, read, value, message):
    monkeypatch.setenv("SURVEYS_MAX_TEXT_LENGTH", value)
    with pytest.raises(ImproperlyConfigured) as caught:
        read("SURVEYS_MAX_TEXT_LENGTH", 10)
    assert str(caught.value) == message


def test_it_reads_an_empty_number_as_the_default_and_accepts_zero(monkeypatch):
    monkeypatch.setenv("GITHUB_MAX_BLOBS", "")
    assert env_int("GITHUB_MAX_BLOBS", 6) == 6
    monkeypatch.setenv("GITHUB_MAX_BLOBS", " 0 ")
    assert env_int("GITHUB_MAX_BLOBS", 6) == 0
    assert env_float("GITHUB_MAX_BLOBS", 6) == 0.0


def test_it_refuses_a_digest_frequency_it_does_not_know(monkeypatch):
    monkeypatch.setenv("REPORTS_DIGEST_DEFAULT_FREQUENCY", "daily")
    with pytest.raises(ImproperlyConfigured, match="REPORTS_DIGEST_DEFAULT_FREQUENCY must be one of weekly, monthly"):
        env_choice("REPORTS_DIGEST_DEFAULT_FREQUENCY", "weekly", ("weekly", "monthly"))
