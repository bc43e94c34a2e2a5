"""The GitHub collector against a local fake GitHub, through the real PyGithub client."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth

from collectors.github import GitHubClient, GitHubError, collect_github, github_auth
from collectors.models import CollectionRun, Signal
from collectors.services import repository_collect
from tests.collectors.conftest import NOW


def values(signals):
    return {s.key: s.value for s in signals}


def collect(client, **kwargs):
    return collect_github("northwind/platform-config", client=client, now=NOW, platform_repo=True, **kwargs)


def test_a_cold_run_reads_files_delivery_and_cooperation_in_at_most_20_calls(github_client, fake_github):
    outcome = collect(github_client, consumer_logins=["emma", "noah"])
    got = values(outcome.signals)
    assert outcome.error is None and outcome.complete
    assert outcome.api_calls == len(fake_github.requests) <= 20
    assert fake_github.calls_to("/git/trees/") == 1
    assert got["files.gitops"] == got["files.platform_api"] == got["files.scaffolder"] == 1
    assert got["ownership.codeowners_team"] is True
    assert got["delivery.basis"] == "deployments"
    assert got["delivery.metrics_available"] == 4
    assert got["delivery.change_failure_rate"] == pytest.approx(1 / 3, abs=0.001)
    assert got["coop.consumer_pr_share"] == 0.5
    assert got["coop.consumer_issues_180d"] == 3  # the issues list holds pull requests too: they are not counted
    assert got["github.survey_issues"] == 1
    assert [i.number for i in outcome.survey_issues] == [62]
    assert outcome.rate_limit_remaining == fake_github.rate_limit


def test_an_unchanged_repository_costs_no_rate_limit(github_client, fake_github, settings):
    cold = collect(github_client)
    used = fake_github.points_used
    asked = len(fake_github.requests)
    warm_client = GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=Auth.Token("t"), timeout=2, max_wait=0)
    warm = collect(warm_client, state=cold.state)
    assert warm.unchanged
    assert warm.api_calls == len(fake_github.requests) - asked
    assert fake_github.points_used == used
    assert {status for _, status in fake_github.requests[asked:]} == {304}


def test_it_skips_files_and_delivery_when_the_default_branch_has_not_moved(github_client, fake_github, settings):
    cold = collect(github_client)
    fake_github.repo = {**fake_github.repo, "open_issues_count": 4}  # a new issue changes the repository, not the branch
    again = collect(GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=None, timeout=2, max_wait=0), state=cold.state)
    assert not again.complete and again.error is None
    assert "files.gitops" not in values(again.signals)
    assert fake_github.calls_to("/git/trees/") == 1
    assert any(s.what == "files" for s in again.skipped)


def test_it_rescans_when_the_default_branch_moved(github_client, fake_github, settings):
    cold = collect(github_client)
    fake_github.set_head("0" * 40)
    fake_github.files["renovate.json"] = "{}"
    again = collect(GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=None, timeout=2, max_wait=0), state=cold.state)
    assert values(again.signals)["files.dependency_automation"] == 2
    assert fake_github.calls_to("/git/trees/") == 2


@pytest.mark.parametrize(
    ("answers", "basis"),
    [
        ({"deployments": []}, "deploy_workflow_runs"),
        ({"deployments": [], "workflow_runs": []}, "releases"),
        ({"deployments": [], "workflow_runs": [], "releases": []}, "merges"),
    ],
)
def test_it_falls_back_to_what_else_counts_as_a_deploy(github_client, fake_github, answers, basis):
    for name, value in answers.items():
        setattr(fake_github, name, value)
    got = values(collect(github_client).signals)
    assert got["delivery.basis"] == basis


def test_a_server_error_midway_gives_a_partial_retryable_outcome(github_client, fake_github):
    fake_github.fail("/deployments", 502)
    outcome = collect(github_client)
    assert outcome.error is not None and outcome.error.retryable
    assert "502" in str(outcome.error)
    assert values(outcome.signals)["files.gitops"] == 1
    assert not outcome.complete


def test_a_used_up_rate_limit_is_retryable_with_the_reset_time(github_client, fake_github):
    github_client.clock = lambda: 1_000_000
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(1_000_000 + 1800)}
    fake_github.fail("/repos/", 403, {"message": "API rate limit exceeded for installation."}, headers)
    outcome = collect(github_client)
    assert outcome.error.retryable and "used up" in str(outcome.error)
    assert outcome.error.retry_after == 1800
    assert outcome.rate_limit_remaining == 0 and outcome.api_calls == 1


def test_a_short_secondary_limit_is_waited_out_once(github_client, fake_github):
    waits = []
    github_client.max_wait = 5
    github_client.sleep = waits.append
    fake_github.fail("/pulls", 429, {"message": "You have exceeded a secondary rate limit"}, {"Retry-After": "2"}, times=1)
    outcome = collect(github_client)
    assert waits == [2.0]
    assert outcome.error is None


def test_a_timeout_is_retryable(fake_github, settings):
    client = GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=None, timeout=1, max_wait=0)
    fake_github.delay("/branches/", 1.6)
    outcome = collect(client)
    assert outcome.error is not None and outcome.error.retryable
    assert "in time" in str(outcome.error)


def test_malformed_json_fails_with_a_clear_message(github_client, fake_github):
    fake_github.fail("/repos/northwind/platform-config", 200, "{'not': json")
    outcome = collect(github_client)
    assert "not valid JSON" in str(outcome.error) and not outcome.error.retryable


def test_an_unexpected_shape_is_reported_not_raised(github_client, fake_github):
    fake_github.fail("/pulls", 200, {"message": "surprise"})
    outcome = collect(github_client)
    assert "unexpected shape" in str(outcome.error)


def test_a_missing_repository_is_not_retried(github_client, fake_github):
    outcome = collect_github("northwind/elsewhere", client=github_client, now=NOW)
    assert "no repository" in str(outcome.error) and not outcome.error.retryable
    assert outcome.api_calls == 1 and not outcome.complete


def test_it_authenticates_as_a_github_app_from_its_settings(fake_github, settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings.GITHUB_APP_ID = "12"
    settings.GITHUB_APP_PRIVATE_KEY = pem
    settings.GITHUB_APP_INSTALLATION_ID = "34"
    auth = github_auth()
    assert isinstance(auth, Auth.AppInstallationAuth)
    client = GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=auth, timeout=2, max_wait=0)
    assert client.get("/repos/northwind/platform-config").status == 200
    assert client.get("/repos/northwind/platform-config/branches/main").status == 200
    assert fake_github.calls_to("/app/installations/34/access_tokens") == 1
    assert client.calls == 3  # the token request counts too, once


@pytest.mark.django_db
def test_collecting_through_the_service_records_calls_and_keeps_signals_on_failure(github_repo, app_team, fake_github):
    (first,) = repository_collect(repository=github_repo)
    assert first.status == CollectionRun.Status.OK
    assert first.api_calls <= 20 and first.rate_limit_remaining == fake_github.rate_limit
    assert first.source_url == "https://github.com/northwind/platform-config"
    assert any("survey issues" in note for note in first.notes)
    before = set(Signal.objects.values_list("id", "key", "value"))

    fake_github.set_head("1" * 40)
    fake_github.fail("/git/trees/", 500)
    with pytest.raises(GitHubError):
        repository_collect(repository=github_repo)
    failed = CollectionRun.objects.latest("id")
    assert failed.status == CollectionRun.Status.FAILED and failed.retryable
    assert "500" in failed.error
    assert set(Signal.objects.values_list("id", "key", "value")) == before


@pytest.mark.django_db
def test_an_unchanged_repository_confirms_its_signals_in_a_new_run(github_repo, fake_github):
    (first,) = repository_collect(repository=github_repo)
    asked, used = len(fake_github.requests), fake_github.points_used
    (second,) = repository_collect(repository=github_repo)
    assert second.status == CollectionRun.Status.UNCHANGED
    assert second.api_calls == len(fake_github.requests) - asked and fake_github.points_used == used
    assert second.signal_count == first.signal_count
    assert {s.run_id for s in Signal.objects.current()} == {second.pk}


@pytest.mark.django_db
def test_a_partial_run_keeps_earlier_values_for_what_it_could_not_see(github_repo, fake_github):
    (first,) = repository_collect(repository=github_repo)
    fake_github.set_head("2" * 40)
    fake_github.fail("/deployments", 503)
    with pytest.raises(GitHubError):
        repository_collect(repository=github_repo)
    partial = CollectionRun.objects.latest("id")
    assert partial.status == CollectionRun.Status.PARTIAL and not partial.complete
    current = {s.key: s.run_id for s in Signal.objects.current()}
    assert current["files.gitops"] == partial.pk
    assert current["delivery.basis"] == first.pk


@pytest.mark.django_db
def test_survey_issues_go_to_the_open_wave_once_there_is_one(github_repo, fake_github):
    from io import StringIO

    from django.core.management import call_command

    from collectors.issueforms import author_source_id
    from surveys.models import Instrument, Response
    from tests.surveys.conftest import make_wave
    from tests.surveys.test_issue_import import SHIPPED

    (no_wave,) = repository_collect(repository=github_repo)
    assert no_wave.notes == ["1 survey issues not imported: the organization has no open survey wave."]
    used = fake_github.points_used
    (still_none,) = repository_collect(repository=github_repo)
    assert still_none.status == CollectionRun.Status.UNCHANGED and fake_github.points_used == used  # no wave: no extra cost
    unchanged_calls = still_none.api_calls

    call_command("import_issue_form", str(SHIPPED), stdout=StringIO())
    wave = make_wave(github_repo.team.organization, Instrument.objects.get(source="issue_form"), name="Autumn")
    (run,) = repository_collect(repository=github_repo)  # nothing changed on GitHub, but the issues are fetched again
    assert run.status == CollectionRun.Status.UNCHANGED and run.api_calls == unchanged_calls
    assert fake_github.points_used == used + 1  # only the survey issues were sent again
    assert run.notes == [
        f"Survey issues imported into Autumn for {github_repo.team}: 1 created, 0 updated, 0 unchanged, 0 skipped."
    ]
    assert Response.objects.filter(wave=wave, team=github_repo.team, external_id=author_source_id("emma")).exists()

    (again,) = repository_collect(repository=github_repo)
    assert again.status == CollectionRun.Status.UNCHANGED and again.notes == []
    assert fake_github.points_used == used + 1
