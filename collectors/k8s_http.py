"""Bounded, counted requests to the Kubernetes API through the official client, and lists read page by page.

urllib3 would retry a read timeout three times and a socket timeout only bounds each wait for bytes, so neither
bounds a call. Here the client makes exactly one HTTP request per attempt (no urllib3 retries), the body is read
in chunks against a deadline, and the reader itself retries once, within the same deadline, where the API asks
for it (429 with Retry-After) or an answer failed on the server's side (5xx).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import urllib3
from kubernetes import client
from kubernetes.client import rest

from collectors import conf
from collectors.errors import CollectorError

PAGE_SIZE = 500
MAX_PAGES = 400
MAX_BODY_BYTES = 64 * 1024 * 1024  # one page; a page of 500 objects is a few megabytes
CHUNK = 64 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class KubernetesError(CollectorError):
    source = "kubernetes"


class ListNotRead(KubernetesError):
    """One list could not be read whole (refused, not served, expired, unusable); the rest of the run goes on."""

    def __init__(self, what: str, message: str, *, retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=retryable, retry_after=retry_after)
        self.what = what


def _status_message(exc: client.ApiException) -> tuple[str, str]:
    """(reason, message) of the Status object the API answered with, when it sent one."""
    try:
        body = json.loads(exc.body or "")
    except ValueError:
        return "", ""
    if not isinstance(body, dict) or body.get("kind") != "Status":
        return "", ""
    return str(body.get("reason") or ""), str(body.get("message") or "")[:300]


def _retry_after(exc: client.ApiException) -> float | None:
    value = (exc.headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class ClusterReader:
    """Reads through the official client with a deadline per call, counting every HTTP request it makes."""

    def __init__(self, api_client: client.ApiClient, *, timeout: float | None = None, page_size: int = PAGE_SIZE) -> None:
        self.api_client = api_client
        self.timeout = timeout if timeout is not None else conf.kubernetes_timeout()
        self.page_size = page_size
        self.calls = 0
        configuration = api_client.configuration
        if configuration.retries is not False:  # urllib3 retries would be requests nobody bounds or counts
            configuration.retries = False
            api_client.rest_client = rest.RESTClientObject(configuration)

    @property
    def host(self) -> str:
        return str(self.api_client.configuration.host)

    def get(
        self, path: str, what: str, *, query: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        """The parsed JSON of one GET, within the timeout (an allowed retry included). Raises KubernetesError:
        ListNotRead for an answer about this one resource, the base class when the cluster cannot be used."""
        deadline = time.monotonic() + self.timeout
        params = [(k, v) for k, v in (query or {}).items() if v is not None]
        for attempt in (1, 2):
            remaining = deadline - time.monotonic()
            self.calls += 1
            try:
                body = self._request(path, params, headers, remaining, deadline, what)
            except client.ApiException as exc:
                wait = self._wait_before_retry(exc, what, deadline, attempt)
                time.sleep(wait)
                continue
            except urllib3.exceptions.NewConnectionError as exc:  # a ConnectTimeoutError to urllib3, but refused
                raise KubernetesError(f"The cluster could not be reached while listing {what}: {exc}", retryable=True) from exc
            except urllib3.exceptions.TimeoutError as exc:
                raise KubernetesError(
                    f"The cluster did not answer within {self.timeout:g} s while listing {what}.", retryable=True
                ) from exc
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise KubernetesError(f"The cluster could not be reached while listing {what}: {exc}", retryable=True) from exc
            try:
                return json.loads(body)
            except ValueError as exc:
                raise ListNotRead(what, f"The cluster's answer for {what} is not valid JSON.") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(
        self,
        path: str,
        params: list[tuple[str, Any]],
        headers: Mapping[str, str] | None,
        remaining: float,
        deadline: float,
        what: str,
    ) -> bytes:
        """One HTTP request through the client (its credentials, token refresh and TLS settings), body included.
        The generated per-resource methods are not used: each builds a pydantic validator on first call, which
        takes seconds, and they add nothing to a GET of a list."""
        method, url, header_params, _, _ = self.api_client.param_serialize(
            method="GET",
            resource_path=path,
            query_params=params,
            header_params={"Accept": "application/json", **(headers or {})},
            auth_settings=["BearerToken"],
        )
        response = self.api_client.call_api(method, url, header_params=header_params, _request_timeout=max(remaining, 0.001))
        if not 200 <= response.status <= 299:
            response.read()
            raise client.ApiException.from_response(http_resp=response, body=None, data=None)
        return _read_body(response.response, deadline, what)

    def _wait_before_retry(self, exc: client.ApiException, what: str, deadline: float, attempt: int) -> float:
        """Seconds to wait before the one retry this error allows, or raise the error it stands for."""
        status = exc.status or 0
        reason, message = _status_message(exc)
        detail = f": {message}" if message else ""
        if status == 0:  # the client's way of reporting a TLS failure
            raise KubernetesError(
                f"The cluster's TLS certificate could not be verified ({str(exc.reason).splitlines()[-1]}). Check the "
                "certificate authority (certificate-authority-data) and server name in the kubeconfig; trying again "
                "will not help."
            ) from exc
        if status == 401:
            raise KubernetesError(
                f"The cluster did not accept the credentials (401 {reason or 'Unauthorized'}): the token has expired "
                "or was revoked. Renew it in the kubeconfig (or the service account's token) and collect again."
            ) from exc
        if status == 403:
            raise ListNotRead(
                what,
                f"The account may not list {what} (403 Forbidden{detail}). Grant it list on this resource, or its "
                "signals stay unknown.",
            ) from exc
        if status == 404:
            raise ListNotRead(what, f"The cluster does not serve {what} (404 {reason or 'NotFound'}).") from exc
        if status == 410:
            raise _Expired(what, message or "The continue token expired.") from exc
        retry_after = _retry_after(exc)
        if status in RETRY_STATUSES:
            wait = retry_after if retry_after is not None else 0.5
            if attempt == 1 and time.monotonic() + wait < deadline - 0.1:
                return wait
            raise ListNotRead(
                what, f"The cluster answered {status} when listing {what}{detail}.", retryable=True, retry_after=retry_after
            ) from exc
        raise ListNotRead(what, f"The cluster answered {status} when listing {what}{detail}.") from exc

    def list_all(
        self,
        path: str,
        what: str,
        *,
        keep: Callable[[Mapping[str, Any]], dict[str, Any]],
        page_size: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Every item of a list, page by page, each reduced by `keep` as its page arrives. A continue token that
        expires restarts the list once (a list stitched from two snapshots would not be a consistent count)."""
        limit = page_size or self.page_size
        for restart in (False, True):
            items: list[dict[str, Any]] = []
            token: str | None = None
            for page in range(1, MAX_PAGES + 1):
                label = what if page == 1 else f"{what} (page {page})"
                try:
                    data = self.get(path, label, headers=headers, query={"limit": limit, "continue": token})
                except _Expired as exc:
                    if restart:
                        raise ListNotRead(
                            f"{what} (pages {page}-)", f"The list kept changing faster than it could be paged: {exc.message}"
                        ) from exc
                    break
                except ListNotRead as exc:
                    exc.what = what if page == 1 else f"{what} (pages {page}-)"
                    raise
                page_items = data.get("items") if isinstance(data, dict) else None
                if not isinstance(page_items, list) or not all(isinstance(item, dict) for item in page_items):
                    raise ListNotRead(label, f"The cluster's answer for {label} is not a list of objects.")
                items.extend(keep(item) for item in page_items)
                token = _continue_token(data.get("metadata"))
                del data, page_items  # the page's full objects go as soon as they are reduced
                if token is None:
                    return items
            else:
                raise ListNotRead(
                    f"{what} (pages {MAX_PAGES + 1}-)", f"{what} has more than {MAX_PAGES} pages; the rest was not read."
                )
        raise AssertionError("unreachable")  # pragma: no cover


class _Expired(ListNotRead):
    """410 Expired: the continue token is too old."""


def _continue_token(metadata: Any) -> str | None:
    token = metadata.get("continue") if isinstance(metadata, dict) else None
    return token if isinstance(token, str) and token else None


def _read_body(response: urllib3.BaseHTTPResponse, deadline: float, what: str) -> bytes:
    """The whole body, read in chunks, failing once the deadline passes however slowly the bytes drip in."""
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise urllib3.exceptions.ReadTimeoutError(None, "", f"reading {what} took too long")  # type: ignore[arg-type]
            sock = getattr(getattr(response, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(remaining)
            chunk = response.read1(CHUNK)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ListNotRead(what, f"The answer for {what} is larger than {MAX_BODY_BYTES // 2**20} MB.")
    finally:
        response.release_conn()
