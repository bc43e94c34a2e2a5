"""GitHub adapter (PyGithub): file, delivery, cooperation and survey-issue signals for one repository.

Requests go through `GitHubClient` (collectors/github_client.py), which counts every HTTP request, sends
conditional requests (a 304 costs no rate-limit points), reads lists page by page within the run's call
budget and turns failures into GitHubError. No PyGithub object leaves these modules.

What a run could not read is listed in `Outcome.skipped`, and the signals that depend on it are not
emitted at all, so the earlier values stay current; `Outcome.complete` is then False.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from collectors import conf
from collectors.cooperation import WINDOW_DAYS as COOPERATION_DAYS
from collectors.cooperation import cooperation_signals
from collectors.delivery import WINDOW_DAYS as DELIVERY_DAYS
from collectors.delivery import DeliveryEvent, basis_choose, delivery_signals, in_window
from collectors.detect import Detectors, load_detectors
from collectors.files import blobs_wanted, file_signals
from collectors.github_client import (
    PER_PAGE,
    Answer,
    CallBudgetSpent,
    GitHubClient,
    GitHubError,
    Listing,
    github_auth,
    older_than,
)
from collectors.github_parse import (
    GitHubShapeError,
    RepositoryInfo,
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

__all__ = ["Answer", "GitHubClient", "GitHubError", "collect_github", "github_auth"]

MAX_BLOB_BYTES = 512 * 1024
DEPLOYMENT_STATUS_CALLS = 3
DELIVERY_REREAD = timedelta(days=1)  # delivery figures move with time even when nothing on GitHub changes


@dataclass
class _Scan:
    """What one repository's collection has gathered so far; becomes an Outcome."""

    client: GitHubClient
    base: str
    now: datetime
    signals: list[SignalRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    etags: dict[str, str] = field(default_factory=dict)
    survey_issues: tuple[IssueRecord, ...] = ()
    delivery: dict[str, Any] = field(default_factory=dict)
    whole: bool = True
    changed: bool = False  # something was read afresh (not every part answered 304)

    def withhold(self, what: str, reason: str) -> None:
        """A part whose signals this run does not emit: their earlier values stay, and the run is not complete."""
        self.skipped.append(Skipped(what, reason))
        self.whole = False

    def budget_spent(self, what: str) -> None:
        self.changed = True
        self.withhold(what, f"the run's budget of {self.client.max_calls} API calls was spent before it was read")

    def cut(self, what: str, listing: Listing) -> None:
        self.budget_spent(f"{what} ({listing.cut})")

    def part(self, what: str, read: Callable[[], None]) -> None:
        try:
            read()
        except CallBudgetSpent:
            self.budget_spent(what)


class _Pulls:
    """The repository's pull requests, most recently updated first, read once and only when needed."""

    def __init__(self, scan: _Scan, etag: str, since: datetime) -> None:
        self.scan, self.since = scan, since
        self.first = scan.client.pages(f"{scan.base}/pulls", params=_PULLS, etag=etag, stop=older_than(since, "updated_at"))
        self._listing: Listing | None = None if self.first.not_modified else self.first

    @property
    def changed(self) -> bool:
        return not self.first.not_modified

    def listing(self) -> Listing:
        if self._listing is None:
            self._listing = self.scan.client.pages(
                f"{self.scan.base}/pulls", params=_PULLS, stop=older_than(self.since, "updated_at")
            )
        return self._listing

    def records(self) -> list[IssueRecord]:
        listing = self.listing()
        return [] if listing.missing else parse_issues(list(listing.items))


_PULLS = {"state": "all", "sort": "updated", "direction": "desc"}
_ISSUES = {"state": "all", "sort": "updated", "direction": "desc"}


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
    When the repository itself cannot be read, the outcome carries the error (and the requests it cost).
    """
    state = dict(state or {})
    try:
        return _collect(
            full_name,
            client=client,
            now=now,
            state=state,
            platform_repo=platform_repo,
            consumer_logins=consumer_logins,
            label=survey_label or conf.github_survey_label(),
            detectors=detectors,
            max_blobs=conf.github_max_blobs() if max_blobs is None else max_blobs,
            survey_refetch=survey_refetch,
        )
    except (GitHubError, CallBudgetSpent) as exc:
        error = exc if isinstance(exc, GitHubError) else GitHubError("The run's call budget allows no request.")
        return Outcome(
            source_url=state.get("html_url", ""),
            api_calls=client.calls,
            rate_limit_remaining=client.rate_limit_remaining,
            error=error,
            complete=False,
        )


def _collect(
    full_name: str,
    *,
    client: GitHubClient,
    now: datetime,
    state: dict[str, Any],
    platform_repo: bool,
    consumer_logins: Iterable[str],
    label: str,
    detectors: Detectors | None,
    max_blobs: int,
    survey_refetch: bool,
) -> Outcome:
    previous_etags = dict(state.get("etags") or {})
    survey_etag = previous_etags.get("survey", "")
    if survey_refetch:
        previous_etags.pop("survey", None)
    # A renamed repository answers its old name with a redirect; ask by the name it answered with last time.
    known = state.get("full_name") if state.get("requested_name") == full_name else None
    name = known if isinstance(known, str) and known else full_name
    path = f"/repos/{quote(name, safe='/')}"
    answer = client.get(path, etag=previous_etags.get("repo", ""))
    if answer.not_modified and not state.get("default_branch"):
        answer = client.get(path)  # a state from before the branch was recorded: read the repository again
    if answer.not_modified:
        repo = RepositoryInfo(name, str(state["default_branch"]), str(state.get("html_url", "")), False)
        repo_etag = answer.etag
    elif answer.status == 200:
        try:
            repo = parse_repository(answer.data)
        except GitHubShapeError as exc:
            raise GitHubError(f"GitHub's repository answer had an unexpected shape: {exc}") from exc
        repo_etag = answer.etag
    else:
        raise GitHubError(f"GitHub has no repository {full_name}, or the credentials cannot see it.")

    scan = _Scan(client, f"/repos/{quote(repo.full_name, safe='/')}", now, etags={"repo": repo_etag})
    scan.changed = not answer.not_modified
    head = str(state.get("head_sha") or "")
    error: GitHubError | None = None
    try:
        head, empty = _head_sha(scan, repo.default_branch, head, previous_etags.get("branch", "") if head else "")
        head_moved = head != state.get("head_sha")
        scan.part("survey issues", lambda: _scan_survey_issues(scan, label, previous_etags, survey_etag))
        days = max(DELIVERY_DAYS, COOPERATION_DAYS if platform_repo else 0)
        pulls: list[_Pulls] = []
        scan.part(
            "pull requests",
            lambda: pulls.append(_Pulls(scan, "" if head_moved else previous_etags.get("pulls", ""), now - timedelta(days=days))),
        )
        if head_moved:
            scan.changed = True
            chosen_detectors = detectors or load_detectors()
            scan.part("files", lambda: _scan_files(scan, head, empty, chosen_detectors, max_blobs))
        else:
            scan.withhold("files", "the default branch has not moved since the last run")
        if pulls:
            scan.etags["pulls"] = pulls[0].first.etag if pulls[0].first.whole else ""
            previous_delivery = state.get("delivery") if not head_moved else None
            scan.part("delivery", lambda: _scan_delivery(scan, repo.default_branch, pulls[0], previous_delivery))
            if platform_repo:
                scan.part(
                    "cooperation", lambda: _scan_cooperation(scan, pulls[0], previous_etags, consumer_logins, COOPERATION_DAYS)
                )
        else:
            scan.withhold("delivery and cooperation", "the pull requests could not be read")
    except GitHubShapeError as exc:
        error = GitHubError(f"GitHub's answer had an unexpected shape: {exc}")
    except GitHubError as exc:
        error = exc
    new_state = {
        **state,
        "etags": scan.etags,
        "head_sha": head,
        "html_url": repo.html_url,
        "default_branch": repo.default_branch,
        "full_name": repo.full_name,
        "requested_name": full_name,
        "delivery": scan.delivery,
    }
    if error is None and not scan.changed:  # every part answered 304: the earlier signals hold, at no rate-limit cost
        return Outcome(
            source_url=repo.html_url,
            api_calls=client.calls,
            rate_limit_remaining=client.rate_limit_remaining,
            unchanged=True,
            state=new_state,
            survey_issues=scan.survey_issues,
        )
    return Outcome(
        signals=tuple(scan.signals),
        skipped=tuple(scan.skipped),
        source_url=repo.html_url,
        api_calls=client.calls,
        rate_limit_remaining=client.rate_limit_remaining,
        error=error,
        complete=error is None and scan.whole,
        state=new_state,
        survey_issues=scan.survey_issues,
    )


def _head_sha(scan: _Scan, branch: str, known: str, etag: str) -> tuple[str, bool]:
    """The default branch's head commit, and whether the repository is empty (no commits yet, so no branch)."""
    answer = scan.client.get(f"{scan.base}/branches/{quote(branch, safe='')}", etag=etag)
    scan.etags["branch"] = answer.etag if answer.status in (200, 304) else ""
    if answer.not_modified:
        return known, False
    if answer.status == 200:
        return parse_branch_head(answer.data), False
    commits = scan.client.get(f"{scan.base}/commits", params={"per_page": 1})
    if commits.status == 409:  # "Git Repository is empty."
        return "", True
    raise GitHubError(f"The default branch {branch!r} was not found.")


def _manifest_categories(detectors: Detectors) -> set[str]:
    """Categories that reading a file's content can add to (so an unread file may hide one)."""
    return {category for found in detectors.kinds.values() for category, _ in found} | {"claims", "injection"}


def _scan_files(scan: _Scan, head: str, empty: bool, detectors: Detectors, max_blobs: int) -> None:
    client, base = scan.client, scan.base
    endpoint = f"GET {base}/git/trees/{head}?recursive=1"
    if empty:  # a repository with no commits has no files: every file signal is a true zero
        signals, skipped = file_signals([], {}, detectors, endpoint=f"GET {base}/commits")
        scan.signals.extend(signals)
        scan.skipped.extend(skipped)
        return
    answer = client.get(f"{base}/git/trees/{head}", params={"recursive": 1})
    if answer.status != 200:
        raise GitHubError(f"GitHub answered {answer.status} for the tree of {head}: {answer.message}")
    files, truncated = parse_tree(answer.data)
    if truncated:
        scan.withhold("files (tree listing truncated)", "GitHub cut the recursive tree listing short; file signals keep theirs")
        return
    by_path = {f.path: f for f in files}
    candidates = [p for p in blobs_wanted(list(by_path), detectors) if by_path[p].size <= MAX_BLOB_BYTES]
    blobs: dict[str, str] = {}
    unread = 0
    for index, path in enumerate(candidates):
        if index >= max_blobs or client.budget_left == 0:
            unread = len(candidates) - index
            why = f"at most {max_blobs} per run" if index >= max_blobs else "the run's call budget was spent"
            scan.withhold("files", f"{unread} YAML files were not read ({why})")
            break
        blob = client.get(f"{base}/git/blobs/{by_path[path].sha}")
        if blob.status != 200:
            scan.withhold(f"file {path}", f"GitHub answered {blob.status} for its content; it was not read")
            continue
        blobs[path] = parse_blob(blob.data)
    unread = len(candidates) - len(blobs)
    signals, skipped = file_signals(list(by_path), blobs, detectors, endpoint=endpoint, unread=unread)
    if unread:  # an unread file may hold a manifest: counts it could add to are lower bounds, zeros unknown
        partly = _manifest_categories(detectors)
        marked = []
        for signal in signals:
            if signal.key.removeprefix("files.") not in partly:
                marked.append(signal)
            elif signal.value:
                marked.append(_read_partly(signal, len(blobs)))
        signals = marked
    scan.signals.extend(signals)
    scan.skipped.extend(skipped)


def _read_partly(signal: SignalRecord, read: int) -> SignalRecord:
    return SignalRecord(
        signal.key,
        signal.value,
        detail={**signal.detail, "read_whole": False, "read": read},
        path=signal.path,
        endpoint=signal.endpoint,
        observed_at=signal.observed_at,
    )


# The fallback order of what counts as a deploy (see collectors/delivery.py), each a list newest first.
_DELIVERY_LISTS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("deployments", "/deployments", {}, ""),
    ("deploy_workflow_runs", "/actions/runs", {"status": "completed"}, "workflow_runs"),
    ("releases", "/releases", {}, ""),
)


def _delivery_params(source: str, branch: str) -> dict[str, Any]:
    params = dict(next(p for name, _, p, _ in _DELIVERY_LISTS if name == source))
    return {**params, "branch": branch} if source == "deploy_workflow_runs" else params


def _delivery_unchanged(scan: _Scan, branch: str, pulls: _Pulls, previous: Mapping[str, Any] | None) -> bool:
    """Whether nothing delivery depends on changed since the last reading: each list up to the basis then in
    use answers 304 (no rate-limit cost), the pull requests did not change and the reading is recent."""
    if not previous or pulls.changed or not previous.get("basis"):
        return False
    try:
        read_at = datetime.fromisoformat(str(previous.get("read_at")))
    except ValueError:
        return False
    if scan.now - read_at >= DELIVERY_REREAD:
        return False
    etags = previous.get("etags") or {}
    for source, path, _, _ in _DELIVERY_LISTS:
        answer = scan.client.get(
            f"{scan.base}{path}", params={"per_page": PER_PAGE, **_delivery_params(source, branch)}, etag=etags.get(source, "")
        )
        if not answer.not_modified:
            return False
        if source == previous["basis"]:
            break
    return True


def _scan_delivery(scan: _Scan, branch: str, pulls: _Pulls, previous: Mapping[str, Any] | None) -> None:
    if _delivery_unchanged(scan, branch, pulls, previous):
        scan.delivery = dict(previous or {})
        scan.withhold("delivery", "no deployment, workflow run, release or pull request changed since the last run")
        return
    scan.changed = True
    client, base, now = scan.client, scan.base, scan.now
    since = now - timedelta(days=DELIVERY_DAYS)
    pull_listing = pulls.listing()
    changes = merged_changes(pulls.records(), into=branch)
    etags: dict[str, str] = {}
    candidates: list[tuple[str, list[DeliveryEvent]]] = []
    deployments_by_event: dict[int, int] = {}
    for source, path, _, items_key in _DELIVERY_LISTS:
        listing = client.pages(
            f"{base}{path}",
            params=_delivery_params(source, branch),
            items_key=items_key,
            stop=older_than(since, "created_at"),
        )
        if not listing.whole:
            scan.cut(source, listing)
            return
        etags[source] = listing.etag
        events = _delivery_events(source, listing, deployments_by_event)
        candidates.append((source, events))
        if in_window(events, now=now):
            break
    else:
        if not pull_listing.whole:
            scan.cut("pull requests", pull_listing)
            return
        candidates.append(("merges", [DeliveryEvent(change.merged_at) for change in changes]))
    chosen = basis_choose(candidates, now=now)
    scan.delivery = {"basis": chosen[0] if chosen else "", "etags": etags, "read_at": now.isoformat()}
    if chosen is None:
        scan.skipped.append(Skipped("delivery.*", "no deployments, deploy workflow runs, releases or merges were found"))
        return
    basis, events = chosen
    if basis == "deployments":
        events = _with_outcomes(scan, events, deployments_by_event)
    endpoint = {"deployments": "/deployments", "deploy_workflow_runs": "/actions/runs", "releases": "/releases"}
    signals = delivery_signals(basis, events, changes, now=now, endpoint=f"GET {base}{endpoint.get(basis, '/pulls')}")
    if not pull_listing.whole:
        scan.skipped.append(Skipped(f"pull requests ({pull_listing.cut})", "lead time is measured on the pull requests read"))
        signals = [
            _read_partly(s, len(pull_listing.items)) if s.key == "delivery.lead_time_hours" else s
            for s in signals
            if basis != "merges"
        ]
    scan.signals.extend(signals)


def _delivery_events(source: str, listing: Listing, deployments_by_event: dict[int, int]) -> list[DeliveryEvent]:
    if listing.missing:
        return []
    if source == "deployments":
        deployments = parse_deployments(list(listing.items))
        production = [d for d in deployments if d.production] or deployments
        events = []
        for deployment in sorted(production, key=lambda d: d.created_at, reverse=True):
            deployments_by_event[len(events)] = deployment.id
            events.append(DeliveryEvent(deployment.created_at, None, deployment.sha))
        return events
    if source == "deploy_workflow_runs":
        return parse_deploy_workflow_runs(list(listing.items))
    return parse_releases(list(listing.items))


def _with_outcomes(scan: _Scan, events: list[DeliveryEvent], deployments_by_event: Mapping[int, int]) -> list[DeliveryEvent]:
    """The newest deployments with their latest status (a few calls; older ones count as deploys of unknown outcome)."""
    known = []
    for index, event in enumerate(events):
        outcome = None
        if index < DEPLOYMENT_STATUS_CALLS:
            answer = scan.client.get(f"{scan.base}/deployments/{deployments_by_event[index]}/statuses", params={"per_page": 1})
            outcome = None if answer.status != 200 else parse_deployment_outcome(answer.data)
        known.append(DeliveryEvent(event.at, outcome, event.sha))
    return known


def _scan_cooperation(
    scan: _Scan, pulls: _Pulls, previous_etags: Mapping[str, str], consumer_logins: Iterable[str], days: int
) -> None:
    base = scan.base
    stop = older_than(scan.now - timedelta(days=days), "updated_at")
    etag = previous_etags.get("issues", "") if not pulls.changed else ""
    issues = scan.client.pages(f"{base}/issues", params=_ISSUES, etag=etag, stop=stop)
    scan.etags["issues"] = issues.etag if issues.whole else ""
    if not pulls.changed and issues.not_modified:
        scan.withhold("cooperation", "no pull request or issue changed since the last run")
        return
    scan.changed = True
    pull_listing = pulls.listing()
    issue_records = [] if issues.status in (404, 410) else parse_issues(list(issues.items))
    signals, skipped = cooperation_signals(
        pulls.records(),
        issue_records,
        consumer_logins=consumer_logins,
        now=scan.now,
        pulls_endpoint=f"GET {base}/pulls",
        issues_endpoint=f"GET {base}/issues",
    )
    for name, listing, endpoint in (("pull requests", pull_listing, "/pulls"), ("issues", issues, "/issues")):
        if not listing.whole:  # counts from part of a list would be too low: leave the earlier values
            scan.cut(f"{name} for cooperation", listing)
            signals = [s for s in signals if s.endpoint != f"GET {base}{endpoint}"]
    scan.signals.extend(signals)
    scan.skipped.extend(skipped)


def _scan_survey_issues(scan: _Scan, label: str, previous_etags: Mapping[str, str], known_etag: str) -> None:
    """The issues labelled as survey answers, all pages. Read again only to import them (`known_etag` is what the
    last reading answered), they do not count as a change."""
    listing = scan.client.pages(f"{scan.base}/issues", params={"labels": label, **_ISSUES}, etag=previous_etags.get("survey", ""))
    scan.etags["survey"] = listing.etag if listing.whole else ""
    if not listing.not_modified and not (listing.etag and listing.etag == known_etag):
        scan.changed = True
    if listing.not_modified:
        scan.withhold("survey issues", f"no issue labelled {label!r} changed since the last run")
        return
    if listing.status == 410:
        scan.skipped.append(Skipped("survey issues", "issues are turned off for this repository"))
        return
    wanted = label.lower()
    issues = tuple(
        i for i in parse_issues(list(listing.items)) if not i.is_pull_request and any(name.lower() == wanted for name in i.labels)
    )
    scan.survey_issues = issues
    if not listing.whole:  # the issues read are imported; their count waits for a run that reads them all
        scan.cut("survey issues", listing)
        return
    scan.signals.append(
        SignalRecord(
            "github.survey_issues",
            len(issues),
            detail={"label": label, "numbers": [i.number for i in issues[:20]]},
            endpoint=f"GET {scan.base}/issues?labels={label}",
            observed_at=scan.now,
        )
    )
