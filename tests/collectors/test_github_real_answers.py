"""The GitHub collector against answers shaped as GitHub really sends them: pages, truncated trees, redirects,
empty repositories, missing blobs, secondary rate limits and failing first requests."""

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth

from collectors.delivery import DeliveryEvent, basis_choose
from collectors.github import GitHubClient, collect_github, github_auth
from collectors.models import CollectionRun, Signal
from collectors.services import repository_collect
from tests.collectors.conftest import NOW
from tests.collectors.fake_github import deployments_every, issues_every, pulls_every, stamp


def values(signals):
    return {s.key: s.value for s in signals}


def collect(client, name="northwind/platform-config", **kwargs):
    return collect_github(name, client=client, now=NOW, platform_repo=True, consumer_logins=["emma", "noah"], **kwargs)


def client_for(settings, **kwargs):
    return GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=Auth.Token("t"), timeout=2, max_wait=0, **kwargs)


def test_lists_spanning_several_pages_are_read_whole(github_client, fake_github):
    fake_github.deployments = deployments_every(130, hours=16, until=NOW - timedelta(hours=1))
    survey = issues_every(230, hours=3, until=NOW, labels=("survey",), login="liam")
    survey[-1]["state"] = "closed"  # state=all: closed answers count too
    fake_github.issues += survey + issues_every(280, hours=6, until=NOW, login="emma", first_number=5000)
    fake_github.pulls += pulls_every(150, hours=10, until=NOW)
    outcome = collect(github_client)
    got = values(outcome.signals)
    assert outcome.error is None and outcome.complete
    assert outcome.api_calls == len(fake_github.requests)
    assert got["delivery.deploys_per_week"] == 10.11  # 130 in 90 days, not the 100 of a first page
    assert len(outcome.survey_issues) == got["github.survey_issues"] == 231
    assert fake_github.calls_to("labels=survey") == 3
    assert got["coop.consumer_issues_180d"] == 283  # 280 + 3 from the fixture; the 155 pull requests are left out
    assert any("/repositories/4242/issues?" in path and "page=3" in path for path, _ in fake_github.requests)


def test_a_list_stops_once_its_pages_leave_the_window(github_client, fake_github):
    fake_github.deployments = deployments_every(250, hours=24, until=NOW - timedelta(hours=1))  # 160 are older than 90 days
    outcome = collect(github_client)
    assert values(outcome.signals)["delivery.deploys_per_week"] == round(90 / (90 / 7), 2)
    assert fake_github.calls_to("/deployments?") == 1
    assert outcome.complete


@pytest.mark.django_db
def test_a_spent_call_budget_is_listed_and_keeps_earlier_delivery_values(github_repo, fake_github, settings):
    (first,) = repository_collect(repository=github_repo)
    fake_github.deployments = deployments_every(250, hours=8, until=NOW)
    fake_github.set_head("3" * 40)
    settings.GITHUB_MAX_CALLS = 11  # repository, branch, survey issues, pull requests, tree, 5 blobs, 1 page of deployments
    (cut,) = repository_collect(repository=github_repo)
    assert cut.status == CollectionRun.Status.OK and not cut.complete
    assert cut.api_calls == 11
    skipped = {entry["what"]: entry["reason"] for entry in cut.skipped}
    assert "budget of 11 API calls" in skipped["deployments (pages 2-3)"]
    assert "cooperation" in skipped
    current = {s.key: s.run_id for s in Signal.objects.current()}
    assert current["delivery.deploys_per_week"] == first.pk
    assert current["files.gitops"] == cut.pk


@pytest.mark.django_db
def test_a_truncated_tree_keeps_the_earlier_gitops_and_codeowners_values(github_repo, fake_github):
    (first,) = repository_collect(repository=github_repo)
    fake_github.set_head("4" * 40)
    fake_github.tree_limit = 3
    (second,) = repository_collect(repository=github_repo)
    assert not second.complete
    assert any(entry["what"] == "files (tree listing truncated)" for entry in second.skipped)
    current = {s.key: (s.run_id, s.value) for s in Signal.objects.current()}
    assert current["files.gitops"] == (first.pk, 1)
    assert current["ownership.codeowners_team"] == (first.pk, True)
    assert current["delivery.basis"][0] == second.pk  # what was read whole is still new


@pytest.mark.django_db
def test_an_empty_repository_is_an_ok_run_with_few_signals_and_its_survey_issues(github_repo, fake_github):
    fake_github.make_empty()
    (run,) = repository_collect(repository=github_repo)
    assert run.status == CollectionRun.Status.OK and run.complete and run.error == ""
    got = {s.key: s.value for s in Signal.objects.filter(run=run)}
    assert got["files.total"] == 0 and got["files.gitops"] == 0
    assert got["github.survey_issues"] == 1
    assert "delivery.basis" not in got
    assert run.notes == ["1 survey issues not imported: the organization has no open survey wave."]
    assert fake_github.calls_to("/commits") == 1  # the 409 that says "empty"
    assert fake_github.calls_to("/git/trees/") == 0


def test_delivery_is_read_again_when_deployments_change_without_a_push(github_client, fake_github, settings):
    cold = collect(github_client)
    before = values(cold.signals)["delivery.deploys_per_week"]
    fake_github.deployments = [
        {**fake_github.deployments[0], "id": 107, "created_at": stamp(NOW - timedelta(hours=2))},
        *fake_github.deployments,
    ]
    again = collect(client_for(settings), state=cold.state)
    got = values(again.signals)
    assert not again.unchanged and again.error is None
    assert got["delivery.deploys_per_week"] > before
    assert "files.gitops" not in got  # the branch did not move: files keep their values
    quiet = collect(client_for(settings), state=again.state)
    assert quiet.unchanged


def test_a_renamed_repository_keeps_its_filters_and_counts_each_request(github_client, fake_github):
    fake_github.rename("northwind/platform-configuration")
    outcome = collect(github_client)
    assert outcome.error is None
    assert [i.number for i in outcome.survey_issues] == [62]  # no issue without the label reached the importer
    assert outcome.api_calls == len(fake_github.requests)
    assert fake_github.requests[0] == ("/repos/northwind/platform-config", 301)
    assert fake_github.requests[1] == ("/repositories/4242", 200)
    assert all("/repos/northwind/platform-configuration" in path for path, _ in fake_github.requests[2:])
    assert outcome.state["full_name"] == "northwind/platform-configuration"


def test_a_redirect_is_followed_with_its_query_string(github_client, fake_github):
    fake_github.rename("northwind/platform-configuration")
    answer = github_client.get("/repos/northwind/platform-config/issues", params={"labels": "survey", "state": "all"})
    assert [issue["number"] for issue in answer.data] == [62]
    assert fake_github.requests == [
        ("/repos/northwind/platform-config/issues?labels=survey&state=all", 301),
        ("/repositories/4242/issues?labels=survey&state=all", 200),
    ]
    assert github_client.calls == 2


def test_a_missing_blob_is_skipped_with_its_reason(github_client, fake_github):
    fake_github.missing_blobs = {"crossplane/xrd.yaml"}
    outcome = collect(github_client)
    got = values(outcome.signals)
    assert outcome.error is None and not outcome.complete
    assert any(s.what == "file crossplane/xrd.yaml" and "404" in s.reason for s in outcome.skipped)
    assert got["files.gitops"] == 1 and got["ownership.codeowners_team"] is True
    gitops = next(s for s in outcome.signals if s.key == "files.gitops")
    assert gitops.detail["read_whole"] is False and gitops.detail["read"] == 4


def test_a_secondary_limit_waits_a_minute_then_backs_off(github_client, fake_github):
    waits = []
    github_client.sleep, github_client.max_wait = waits.append, 600
    fake_github.secondary_limit("/pulls", times=2)
    outcome = collect(github_client)
    assert waits == [60, 120]
    assert outcome.error is None and outcome.complete


def test_a_lasting_secondary_limit_says_so_and_is_retried_later(github_client, fake_github):
    waits = []
    github_client.sleep, github_client.max_wait = waits.append, 200
    fake_github.secondary_limit("/pulls")
    outcome = collect(github_client)
    assert waits == [60, 120]
    assert outcome.error.retryable and outcome.error.retry_after == 240
    message = str(outcome.error)
    assert "secondary rate limit" in message and "used up" not in message
    assert f"{fake_github.rate_limit} requests were left" in message
    assert outcome.rate_limit_remaining == fake_github.rate_limit > 4000


def test_only_events_inside_the_window_decide_the_delivery_basis(github_client, fake_github):
    fake_github.deployments = deployments_every(1, hours=1, until=NOW - timedelta(days=3000))
    fake_github.workflow_runs = []
    fake_github.releases = [
        {**fake_github.releases[0], "created_at": "2013-05-01T10:00:00Z", "published_at": "2013-05-01T10:00:00Z"}
    ]
    fake_github.pulls = pulls_every(150, hours=12, until=NOW)
    got = values(collect(github_client).signals)
    assert got["delivery.basis"] == "merges"
    assert got["delivery.deploys_per_week"] == round(150 / (90 / 7), 2)


def test_the_basis_falls_back_to_old_events_only_when_nothing_is_recent():
    old = [DeliveryEvent(NOW - timedelta(days=400))]
    recent = [DeliveryEvent(NOW - timedelta(days=1))]
    assert basis_choose([("releases", old), ("merges", recent)], now=NOW)[0] == "merges"
    assert basis_choose([("releases", old), ("merges", [])], now=NOW)[0] == "releases"
    assert basis_choose([("releases", []), ("merges", [])], now=NOW) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "body", "headers", "retryable"),
    [
        (502, {"message": "Server Error"}, {}, True),
        (401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}, {}, False),
        (403, {"message": "API rate limit exceeded for installation ID 34."}, {"X-RateLimit-Remaining": "0"}, True),
    ],
)
def test_a_failing_first_request_is_still_counted_with_the_remaining_limit(
    github_repo, fake_github, status, body, headers, retryable
):
    fake_github.fail("/repos/northwind/platform-config", status, body, headers)
    (run,) = repository_collect(repository=github_repo, raise_retryable=False)
    assert run.status == CollectionRun.Status.FAILED and run.retryable is retryable
    assert run.api_calls == 1
    assert run.rate_limit_remaining == (0 if headers else fake_github.rate_limit)


def test_a_502_on_the_app_token_request_is_github_unavailable_and_retryable(fake_github, settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    settings.GITHUB_APP_ID, settings.GITHUB_APP_PRIVATE_KEY, settings.GITHUB_APP_INSTALLATION_ID = "12", pem, "34"
    fake_github.fail("/access_tokens", 502)
    client = GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=github_auth(), timeout=2, max_wait=0)
    outcome = collect(client)
    assert "GitHub is unavailable (502)" in str(outcome.error) and "refused" not in str(outcome.error)
    assert outcome.error.retryable
    assert outcome.api_calls == 1
