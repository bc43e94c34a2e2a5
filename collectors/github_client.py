"""The GitHub REST client the collector talks through: PyGithub's requester, with GitHub's own rules applied.

- Every HTTP request is counted (redirects and the App's token request included), and a run stops asking
  once its call budget is spent (`CallBudgetSpent`).
- A 301 (a renamed or transferred repository) is followed here, keeping the query string: PyGithub 2.10
  follows it itself but keeps only the path, which drops filters such as `labels`, `state` and `per_page`.
- Lists are read page by page through the `Link: <...>; rel="next"` header GitHub sends.
- Rate limits: a primary limit (no requests left this hour) is waited out only when it resets soon; a
  secondary limit (too many requests at once) is waited out as GitHub asks: `Retry-After` when given,
  else at least a minute, doubling each time, within the longest wait allowed.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from github import Auth, Github, GithubException
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, Requester, RequestsResponse

from collectors import conf
from collectors.errors import CollectorError

USER_AGENT = "platform-maturity-assessor"
PER_PAGE = 100
SECONDARY_LIMIT_WAIT = 60.0  # GitHub: without Retry-After, wait at least a minute, then back off exponentially
MAX_REDIRECTS = 3
ANSWERED_STATUSES = (304, 404, 409, 410)  # come back as answers; the caller decides what they mean
logger = logging.getLogger(__name__)


class GitHubError(CollectorError):
    source = "github"


class CallBudgetSpent(Exception):
    """The run has made as many requests as it may; whatever is left unread is reported as skipped."""


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any
    etag: str = ""
    headers: Mapping[str, str] | None = None
    message: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def link(self, rel: str) -> str:
        """The URL of a `Link` header entry (`next`, `last`), or ""."""
        for entry in requests.utils.parse_header_links((self.headers or {}).get("link", "")):
            if entry.get("rel") == rel:
                return str(entry.get("url", ""))
        return ""


@dataclass(frozen=True)
class Listing:
    """The items of a list endpoint read page by page; `cut` names the pages a spent budget left unread."""

    items: tuple[Any, ...]
    etag: str = ""
    status: int = 200
    pages: int = 0
    cut: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def missing(self) -> bool:
        return self.status == 404

    @property
    def whole(self) -> bool:
        return not self.cut


def older_than(since: datetime, field: str) -> Callable[[list[Any]], bool]:
    """For a list sorted newest first: True once a page ends with an item dated before `since`."""

    def reached(page: list[Any]) -> bool:
        last = page[-1] if page else None
        value = last.get(field) if isinstance(last, dict) else None
        if not isinstance(value, str):
            return False
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")) < since
        except ValueError:
            return False

    return reached


def github_auth() -> Auth.Auth | None:
    """GitHub App installation credentials when configured, else a token, else anonymous access."""
    app = conf.github_app_credentials()
    if app:
        app_id, private_key, installation_id = app
        return Auth.AppAuth(app_id, private_key).get_installation_auth(installation_id)
    token = conf.github_token()
    return Auth.Token(token) if token else None


def _message(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body[:200] or "no message"
    return str(data.get("message", "no message"))[:200] if isinstance(data, dict) else "no message"


def _counting_connection(
    base: type[HTTPRequestsConnectionClass] | type[HTTPSRequestsConnectionClass], client: GitHubClient
) -> type[Any]:
    """PyGithub's connection class for the scheme, counting each request and following 301s with their query."""

    class Counting(base):  # type: ignore[valid-type,misc]
        def getresponse(self) -> RequestsResponse:
            for _ in range(MAX_REDIRECTS + 1):
                client.calls += 1
                response = super().getresponse()
                location = response.headers.get("location", "") if response.status == 301 else ""
                target = self._same_host_target(location)
                if not target:
                    return response
                logger.info("GitHub moved %s to %s; following with its query string", self.url, target)
                self.url = target
            return response

        def _same_host_target(self, location: str) -> str:
            if not location:
                return ""
            moved = urllib.parse.urlsplit(urllib.parse.urljoin(f"{self.protocol}://{self.host}:{self.port}{self.url}", location))
            if moved.hostname != self.host or (moved.port or (443 if moved.scheme == "https" else 80)) != self.port:
                return ""  # another host: never send the credentials there
            query = moved.query or urllib.parse.urlsplit(self.url).query
            return moved.path + (f"?{query}" if query else "")

    return Counting


class GitHubClient:
    def __init__(
        self,
        *,
        base_url: str | None = None,
        auth: Auth.Auth | None = None,
        timeout: int | None = None,
        max_wait: float | None = None,
        max_calls: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = (base_url or conf.github_base_url()).rstrip("/")
        self.auth = auth
        self._github = Github(
            auth=auth,
            base_url=self.base_url,
            timeout=timeout or conf.github_timeout(),
            user_agent=USER_AGENT,
            per_page=PER_PAGE,
            retry=None,  # retries are the Celery task's job, with backoff; one call here is one request
            seconds_between_requests=None,
            seconds_between_writes=None,
        )
        requester: Requester = self._github.requester
        # PyGithub 2.10 has no public hook per request; its requester picks the connection class per instance.
        scheme = urllib.parse.urlsplit(self.base_url).scheme
        plain = HTTPSRequestsConnectionClass if scheme == "https" else HTTPRequestsConnectionClass
        requester._Requester__connectionClass = _counting_connection(plain, self)  # type: ignore[attr-defined]
        self.max_wait = conf.github_max_rate_limit_wait() if max_wait is None else max_wait
        self.max_calls = conf.github_max_calls() if max_calls is None else max_calls
        self.sleep = sleep
        self.clock = clock
        self.calls = 0
        self.rate_limit_remaining: int | None = None
        self._app_token = ""

    @classmethod
    def from_settings(cls) -> GitHubClient:
        return cls(auth=github_auth())

    @property
    def budget_left(self) -> int:
        return max(0, self.max_calls - self.calls)

    def get(self, path: str, *, params: Mapping[str, Any] | None = None, etag: str = "") -> Answer:
        """GET one endpoint (a path, or a full URL from a `Link` header). 304, 404 and 409 come back as answers;
        other failures raise GitHubError; a spent budget raises CallBudgetSpent before anything is sent."""
        if self.calls >= self.max_calls:
            raise CallBudgetSpent(path)
        self._ensure_app_token()
        waited = 0.0
        backoff = SECONDARY_LIMIT_WAIT
        while True:
            headers = {"Accept": "application/vnd.github+json"}
            if etag:
                headers["If-None-Match"] = etag
            try:
                status, response_headers, body = self._github.requester.requestJson(
                    "GET", path, parameters=dict(params or {}), headers=headers
                )
            except requests.Timeout as exc:
                raise GitHubError(f"GitHub did not answer {path} in time.", retryable=True) from exc
            except requests.RequestException as exc:
                raise GitHubError(f"Could not reach GitHub for {path}: {exc.__class__.__name__}.", retryable=True) from exc
            except RuntimeError as exc:  # PyGithub refuses a redirect to another host or scheme
                raise GitHubError(f"GitHub redirected {path} somewhere this collector does not follow: {exc}") from exc
            self._note_rate_limit(response_headers)
            limit = self._rate_limit(status, response_headers, body)
            if limit is None:
                return self._answer(path, status, response_headers, body, sent_etag=etag)
            kind, wait = limit
            if kind == "secondary":
                wait = backoff if wait is None else wait
                if waited + wait <= self.max_wait:
                    logger.info("GitHub's secondary rate limit on %s: waiting %.0f s", path, wait)
                    self.sleep(wait)
                    waited += wait
                    backoff *= 2
                    continue
                left = "" if self.rate_limit_remaining is None else f" ({self.rate_limit_remaining} requests were left this hour)"
                pause = f" after waiting {int(waited)} s" if waited else ""
                raise GitHubError(
                    f"GitHub's secondary rate limit (too many requests at once) stopped {path}{pause}{left}; "
                    f"trying again in about {int(wait)} s.",
                    retryable=True,
                    retry_after=wait,
                )
            assert wait is not None
            if not waited and wait <= self.max_wait:
                self.sleep(wait)
                waited = wait
                continue
            raise GitHubError(
                f"GitHub's rate limit is used up; it resets in about {int(wait)} s.", retryable=True, retry_after=wait
            )

    def pages(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        etag: str = "",
        items_key: str = "",
        stop: Callable[[list[Any]], bool] | None = None,
    ) -> Listing:
        """Every page of a list, following `rel="next"`, until the list ends, `stop` says the rest is not needed,
        or the call budget is spent (then `cut` names the pages left unread). A 304 or 404 on the first page
        comes back as such, with no items."""
        first = self.get(path, params={"per_page": PER_PAGE, **dict(params or {})}, etag=etag)
        if first.status in ANSWERED_STATUSES:
            return Listing((), first.etag, first.status)
        items: list[Any] = []
        answer, page = first, 1
        while True:
            chunk = self._items(answer, path, items_key)
            items.extend(chunk)
            following = answer.link("next")
            if not following or (stop is not None and stop(chunk)):
                return Listing(tuple(items), first.etag, 200, page)
            if self.calls >= self.max_calls:
                return Listing(tuple(items), first.etag, 200, page, cut=self._unread_pages(page + 1, answer.link("last")))
            answer = self.get(following)
            if answer.status in ANSWERED_STATUSES:
                raise GitHubError(f"GitHub answered {answer.status} for page {page + 1} of {path}.", retryable=True)
            page += 1

    @staticmethod
    def _items(answer: Answer, path: str, items_key: str) -> list[Any]:
        data = answer.data.get(items_key) if items_key and isinstance(answer.data, dict) else answer.data
        if not isinstance(data, list):
            raise GitHubError(f"GitHub's answer for {path} had an unexpected shape: expected a list of items.")
        return data

    @staticmethod
    def _unread_pages(first_unread: int, last_url: str) -> str:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(last_url).query)
        last = query.get("page", [""])[0]
        if last.isdigit() and int(last) > first_unread:
            return f"pages {first_unread}-{last}"
        if last.isdigit() and int(last) == first_unread:
            return f"page {first_unread}"
        return f"pages {first_unread} and later"

    def _ensure_app_token(self) -> None:
        """Fetch (and count) the App's installation token when PyGithub is about to, so its failure reads right."""
        if not isinstance(self.auth, Auth.AppInstallationAuth):
            return
        try:
            token = self.auth.token
        except GithubException as exc:
            self.calls += 1
            if exc.status >= 500:
                raise GitHubError(
                    f"GitHub is unavailable ({exc.status}) while issuing the App's installation token.", retryable=True
                ) from exc
            raise GitHubError(f"GitHub refused the App credentials ({exc.status}): {_message(json.dumps(exc.data))}") from exc
        except requests.RequestException as exc:
            self.calls += 1
            raise GitHubError(
                f"Could not reach GitHub for the App's installation token: {exc.__class__.__name__}.", retryable=True
            ) from exc
        if token != self._app_token:
            self.calls += 1
            self._app_token = token

    def _note_rate_limit(self, headers: Mapping[str, str]) -> None:
        remaining = headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.strip().lstrip("-").isdigit():
            self.rate_limit_remaining = int(remaining)

    def _rate_limit(self, status: int, headers: Mapping[str, str], body: str) -> tuple[str, float | None] | None:
        """("primary", seconds until reset) or ("secondary", Retry-After or None) for a rate-limit refusal, else None."""
        if status not in (403, 429):
            return None
        message = _message(body)
        retry_after = headers.get("retry-after", "").strip()
        wait = float(retry_after) if retry_after.isdigit() else None
        used_up = headers.get("x-ratelimit-remaining") == "0" or Requester.isPrimaryRateLimitError(message)
        if used_up and not Requester.isSecondaryRateLimitError(message):
            reset = headers.get("x-ratelimit-reset", "")
            if wait is None and reset.isdigit():
                wait = max(0.0, int(reset) - self.clock())
            return "primary", SECONDARY_LIMIT_WAIT if wait is None else wait
        if Requester.isSecondaryRateLimitError(message) or status == 429 or wait is not None:
            return "secondary", wait
        return None

    def _answer(self, path: str, status: int, headers: Mapping[str, str], body: str, *, sent_etag: str) -> Answer:
        if status == 304:
            return Answer(status, None, headers.get("etag") or sent_etag, headers)
        if status in ANSWERED_STATUSES:
            return Answer(status, None, headers=headers, message=_message(body))
        if status >= 500:
            raise GitHubError(f"GitHub answered {status} for {path}.", retryable=True)
        if status == 401:
            raise GitHubError(f"GitHub refused the credentials for {path} (401): {_message(body)}")
        if status >= 300:
            raise GitHubError(f"GitHub answered {status} for {path}: {_message(body)}")
        try:
            data = json.loads(body) if body else None
        except ValueError as exc:
            raise GitHubError(f"GitHub's answer for {path} is not valid JSON.", retryable=False) from exc
        return Answer(status, data, headers.get("etag", ""), headers)
