"""GitHub adapter (PyGithub): file, delivery, cooperation and survey-issue signals for one repository.

Every call goes through `GitHubClient.get`, which counts calls, sends conditional requests (a 304 answer
costs no rate-limit points), waits a bounded time on rate limits and turns failures into GitHubError.
No PyGithub object leaves this module: answers are parsed into this project's records.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests
from github import Auth, Github, GithubException

from collectors import conf
from collectors.cooperation import cooperation_signals
from collectors.delivery import DeliveryEvent, delivery_signals
from collectors.detect import Detectors, load_detectors
from collectors.errors import CollectorError
from collectors.files import blobs_wanted, file_signals
from collectors.github_parse import (
    GitHubShapeError,
    merged_changes,
    parse_blob,
    parse_branch_head,
    parse_deploy_workflow_runs,
    parse_deployment_outcome,
    parse_deployments,
    parse_issues,
    parse_releases,
    parse_repository,
    parse_tree,
)
from collectors.records import IssueRecord, Outcome, SignalRecord, Skipped

MAX_BLOB_BYTES = 512 * 1024
DEPLOYMENT_STATUS_CALLS = 3
USER_AGENT = "platform-maturity-assessor"


class GitHubError(CollectorError):
    source = "github"


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any
    etag: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def github_auth() -> Auth.Auth | None:
    """GitHub App installation credentials when configured, else a token, else anonymous access."""
    app = conf.github_app_credentials()
    if app:
        app_id, private_key, installation_id = app
        return Auth.AppAuth(app_id, private_key).get_installation_auth(installation_id)
    token = conf.github_token()
    return Auth.Token(token) if token else None


class GitHubClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        auth: Auth.Auth | None = None,
        timeout: int | None = None,
        max_wait: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = (base_url or conf.github_base_url()).rstrip("/")
        self._github = Github(
            auth=auth,
            base_url=self.base_url,
            timeout=timeout or conf.github_timeout(),
            user_agent=USER_AGENT,
            per_page=100,
            retry=None,  # retries are the Celery task's job, with backoff; one call here is one request
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        self.max_wait = conf.github_max_rate_limit_wait() if max_wait is None else max_wait
        self.sleep = sleep
        self.clock = clock
        self.calls = 0
        self.rate_limit_remaining: int | None = None

    @classmethod
    def from_settings(cls) -> GitHubClient:
        return cls(auth=github_auth())

    def get(self, path: str, *, params: Mapping[str, Any] | None = None, etag: str = "") -> Answer:
        """GET one endpoint; 304 and 404 come back as answers, other failures raise GitHubError."""
        for attempt in (1, 2):
            headers = {"Accept": "application/vnd.github+json"}
            if etag:
                headers["If-None-Match"] = etag
            self.calls += 1
            try:
                status, response_headers, body = self._github.requester.requestJson(
                    "GET", path, parameters=dict(params or {}), headers=headers
                )
            except requests.Timeout as exc:
                raise GitHubError(f"GitHub did not answer {path} in time.", retryable=True) from exc
            except requests.RequestException as exc:
                raise GitHubError(f"Could not reach GitHub for {path}: {exc.__class__.__name__}.", retryable=True) from exc
            except GithubException as exc:  # raised while fetching an App installation token
                raise GitHubError(f"GitHub refused the App credentials ({exc.status}).", retryable=exc.status >= 500) from exc
            self._note_rate_limit(response_headers)
            wait = self._rate_limit_wait(status, response_headers, body)
            if wait is None:
                return self._answer(path, status, response_headers, body, sent_etag=etag)
            if attempt == 1 and wait <= self.max_wait:
                self.sleep(wait)
                continue
            raise GitHubError(
                f"GitHub's rate limit is used up; it resets in about {int(wait)} s.", retryable=True, retry_after=wait
            )
        raise AssertionError("unreachable")

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip().lstrip("-").isdigit():
            self.rate_limit_remaining = int(remaining)

    def _rate_limit_wait(self, status: int, headers: Mapping[str, str], body: str) -> float | None:
        """Seconds to wait when the answer is a rate-limit refusal, else None."""
        if status not in (403, 429):
            return None
        retry_after = headers.get("retry-after", "")
        limited = (
            status == 429 or headers.get("x-ratelimit-remaining") == "0" or bool(retry_after) or "rate limit" in body.lower()
        )
        if not limited:
            return None
        if retry_after.isdigit():
            return float(retry_after)
        reset = headers.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return max(0.0, int(reset) - self.clock())
        return 60.0

    def _answer(self, path: str, status: int, headers: Mapping[str, str], body: str, *, sent_etag: str) -> Answer:
        if status == 304:
            return Answer(status, None, headers.get("etag") or sent_etag)
        if status == 404:
            return Answer(status, None)
        if status >= 500:
            raise GitHubError(f"GitHub answered {status} for {path}.", retryable=True)
        if status >= 400:
            raise GitHubError(f"GitHub refused {path} with {status}: {_message(body)}", retryable=False)
        try:
            data = json.loads(body) if body else None
        except ValueError as exc:
            raise GitHubError(f"GitHub's answer for {path} is not valid JSON.", retryable=False) from exc
        return Answer(status, data, headers.get("etag", ""))


def _message(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200] or "no message"
    return str(data.get("message", "no message"))[:200] if isinstance(data, dict) else "no message"


@dataclass
class _Scan:
    """What one repository's collection has gathered so far; becomes an Outcome."""

    signals: list[SignalRecord]
    skipped: list[Skipped]
    etags: dict[str, str]
    survey_issues: tuple[IssueRecord, ...] = ()


def collect_github(
    full_name: str,
    *,
    client: GitHubClient,
    now: datetime,
    state: Mapping[str, Any] | None = None,
    platform_repo: bool = False,
    consumer_logins: Iterable[str] = (),
    survey_label: str | None = None,
    detectors: Detectors | None = None,
    max_blobs: int | None = None,
    survey_refetch: bool = False,
) -> Outcome:
    """Collect one repository. A 304 on the repository means nothing changed: the outcome says `unchanged`.

    `survey_refetch` reads the survey issues in full even then (they were left unimported last time).
    """
    state = dict(state or {})
    previous_etags = dict(state.get("etags") or {})
    if survey_refetch:
        previous_etags.pop("survey", None)
    base = f"/repos/{quote(full_name, safe='/')}"
    label = survey_label or conf.github_survey_label()
    answer = client.get(base, etag=previous_etags.get("repo", ""))
    if answer.not_modified:
        scan = _Scan(signals=[], skipped=[], etags=previous_etags)
        if survey_refetch:
            _scan_survey_issues(client, base, label, previous_etags, scan, now)
        return Outcome(
            source_url=state.get("html_url", ""),
            api_calls=client.calls,
            rate_limit_remaining=client.rate_limit_remaining,
            unchanged=True,
            state={**state, "etags": scan.etags},
            survey_issues=scan.survey_issues,
        )
    if answer.status == 404:
        raise GitHubError(f"GitHub has no repository {full_name}, or the credentials cannot see it.")
    try:
        repo = parse_repository(answer.data)
    except GitHubShapeError as exc:
        raise GitHubError(f"GitHub's repository answer had an unexpected shape: {exc}") from exc

    scan = _Scan(signals=[], skipped=[], etags={"repo": answer.etag})
    head = ""
    error: GitHubError | None = None
    try:
        head = _head_sha(client, base, repo.default_branch)
        head_moved = head != state.get("head_sha")
        pulls_answer = client.get(
            f"{base}/pulls",
            params={"state": "all", "sort": "created", "direction": "desc", "per_page": 100},
            etag="" if head_moved else previous_etags.get("pulls", ""),
        )
        pulls = [] if pulls_answer.not_modified or pulls_answer.status == 404 else parse_issues(pulls_answer.data)
        scan.etags["pulls"] = pulls_answer.etag
        if head_moved:
            _scan_files(
                client,
                base,
                head,
                scan,
                detectors or load_detectors(),
                conf.github_max_blobs() if max_blobs is None else max_blobs,
            )
            _scan_delivery(client, base, repo.default_branch, pulls, scan, now)
        else:
            scan.skipped.append(Skipped("files and delivery", "the default branch has not moved since the last run"))
        if platform_repo:
            _scan_cooperation(client, base, pulls, pulls_answer.not_modified, previous_etags, consumer_logins, scan, now)
        _scan_survey_issues(client, base, label, previous_etags, scan, now)
    except GitHubShapeError as exc:
        error = GitHubError(f"GitHub's answer had an unexpected shape: {exc}")
    except GitHubError as exc:
        error = exc
    partial_on_purpose = any(s.what in ("files and delivery", "cooperation") for s in scan.skipped)
    return Outcome(
        signals=tuple(scan.signals),
        skipped=tuple(scan.skipped),
        source_url=repo.html_url,
        api_calls=client.calls,
        rate_limit_remaining=client.rate_limit_remaining,
        error=error,
        complete=error is None and not partial_on_purpose,
        state={"etags": scan.etags, "head_sha": head, "html_url": repo.html_url, "default_branch": repo.default_branch},
        survey_issues=scan.survey_issues,
    )


def _head_sha(client: GitHubClient, base: str, branch: str) -> str:
    answer = client.get(f"{base}/branches/{quote(branch, safe='')}")
    if answer.status == 404:
        raise GitHubError(f"The default branch {branch!r} was not found.")
    return parse_branch_head(answer.data)


def _scan_files(client: GitHubClient, base: str, head: str, scan: _Scan, detectors: Detectors, max_blobs: int) -> None:
    endpoint = f"GET {base}/git/trees/{head}?recursive=1"
    answer = client.get(f"{base}/git/trees/{head}", params={"recursive": 1})
    files, truncated = parse_tree(answer.data)
    if truncated:
        scan.skipped.append(Skipped("files", "GitHub cut the tree listing short; files beyond it are not counted"))
    by_path = {f.path: f for f in files}
    candidates = [p for p in blobs_wanted(list(by_path), detectors) if by_path[p].size <= MAX_BLOB_BYTES]
    chosen = candidates[:max_blobs]
    blobs = {path: parse_blob(client.get(f"{base}/git/blobs/{by_path[path].sha}").data) for path in chosen}
    unread = len(candidates) - len(chosen)
    if unread:
        scan.skipped.append(Skipped("files", f"{unread} YAML files were not read (at most {max_blobs} per run)"))
    signals, skipped = file_signals(list(by_path), blobs, detectors, endpoint=endpoint, unread=unread)
    scan.signals.extend(signals)
    scan.skipped.extend(skipped)


def _scan_delivery(client: GitHubClient, base: str, branch: str, pulls: list[IssueRecord], scan: _Scan, now: datetime) -> None:
    changes = merged_changes(pulls, into=branch)
    answer = client.get(f"{base}/deployments", params={"per_page": 100})
    deployments = [] if answer.status == 404 else parse_deployments(answer.data)
    production = [d for d in deployments if d.production] or deployments
    if production:
        events = []
        for index, deployment in enumerate(sorted(production, key=lambda d: d.created_at, reverse=True)):
            outcome = None
            if index < DEPLOYMENT_STATUS_CALLS:
                status = client.get(f"{base}/deployments/{deployment.id}/statuses", params={"per_page": 1})
                outcome = None if status.status == 404 else parse_deployment_outcome(status.data)
            events.append(DeliveryEvent(deployment.created_at, outcome, deployment.sha))
        scan.signals.extend(delivery_signals("deployments", events, changes, now=now, endpoint=f"GET {base}/deployments"))
        return
    runs = client.get(f"{base}/actions/runs", params={"branch": branch, "status": "completed", "per_page": 100})
    events = [] if runs.status == 404 else parse_deploy_workflow_runs(runs.data)
    if events:
        scan.signals.extend(
            delivery_signals("deploy_workflow_runs", events, changes, now=now, endpoint=f"GET {base}/actions/runs")
        )
        return
    releases = client.get(f"{base}/releases", params={"per_page": 100})
    events = [] if releases.status == 404 else parse_releases(releases.data)
    if events:
        scan.signals.extend(delivery_signals("releases", events, changes, now=now, endpoint=f"GET {base}/releases"))
        return
    merges = [DeliveryEvent(change.merged_at) for change in changes]
    signals = delivery_signals("merges", merges, changes, now=now, endpoint=f"GET {base}/pulls")
    if not signals:
        scan.skipped.append(Skipped("delivery.*", "no deployments, deploy workflow runs, releases or merges were found"))
    scan.signals.extend(signals)


def _scan_cooperation(
    client: GitHubClient,
    base: str,
    pulls: list[IssueRecord],
    pulls_unchanged: bool,
    previous_etags: Mapping[str, str],
    consumer_logins: Iterable[str],
    scan: _Scan,
    now: datetime,
) -> None:
    answer = client.get(
        f"{base}/issues",
        params={"state": "all", "sort": "created", "direction": "desc", "per_page": 100},
        etag=previous_etags.get("issues", "") if pulls_unchanged else "",
    )
    scan.etags["issues"] = answer.etag
    if pulls_unchanged and answer.not_modified:
        scan.skipped.append(Skipped("cooperation", "no pull request or issue changed since the last run"))
        return
    issues = [] if answer.status in (304, 404) else parse_issues(answer.data)
    if pulls_unchanged:  # the issues changed but the pull requests were not sent: fetch them after all
        fresh = client.get(f"{base}/pulls", params={"state": "all", "sort": "created", "direction": "desc", "per_page": 100})
        pulls = [] if fresh.status == 404 else parse_issues(fresh.data)
    signals, skipped = cooperation_signals(
        pulls,
        issues,
        consumer_logins=consumer_logins,
        now=now,
        pulls_endpoint=f"GET {base}/pulls",
        issues_endpoint=f"GET {base}/issues",
    )
    scan.signals.extend(signals)
    scan.skipped.extend(skipped)


def _scan_survey_issues(
    client: GitHubClient, base: str, label: str, previous_etags: Mapping[str, str], scan: _Scan, now: datetime
) -> None:
    answer = client.get(
        f"{base}/issues", params={"labels": label, "state": "all", "per_page": 100}, etag=previous_etags.get("survey", "")
    )
    scan.etags["survey"] = answer.etag
    if answer.not_modified:
        scan.skipped.append(Skipped("survey issues", f"no issue labelled {label!r} changed since the last run"))
        return
    issues = tuple(i for i in parse_issues(answer.data or []) if not i.is_pull_request)
    scan.survey_issues = issues
    scan.signals.append(
        SignalRecord(
            "github.survey_issues",
            len(issues),
            detail={"label": label, "numbers": [i.number for i in issues[:20]]},
            endpoint=f"GET {base}/issues?labels={label}",
            observed_at=now,
        )
    )
