"""Reading catalog entities from files (multi-document YAML) or from a running catalog's REST API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from assessor.catalog.entities import CatalogInvalid
from assessor.yamlsafe import YAMLInputError, load_yaml_all

PAGE_SIZE = 500
MAX_PAGES = 1000


class CatalogFetchError(Exception):
    """The catalog could not be read; `retryable` says whether trying again later may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def read_entities(source: str, *, token: str = "", timeout: float = 15) -> list[Any]:
    """Every entity at `source`: a URL of the catalog, a YAML file, or a directory of them."""
    if source.startswith(("http://", "https://")):
        return fetch_entities(source, token=token, timeout=timeout)
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    elif path.is_file():
        files = [path]
    else:
        raise CatalogInvalid([f"{source}: no such file or directory"])
    documents: list[Any] = []
    errors: list[str] = []
    for file in files:
        try:
            documents.extend(load_yaml_all(file.read_bytes()))
        except YAMLInputError as exc:
            errors.append(f"{file}: {exc}")
    if errors:
        raise CatalogInvalid(errors)
    return documents


def fetch_entities(base_url: str, *, token: str = "", timeout: float = 15) -> list[Any]:
    """All entities, page by page: `by-query` with its cursor, or the older `entities?offset=&limit=` when the
    catalog has no `by-query` (or the URL already names `/api/catalog/entities`)."""
    session = requests.Session()
    session.headers["Accept"] = "application/json"
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    base = base_url.rstrip("/")
    if base.endswith("/api/catalog/entities"):
        return _by_offset(session, base, timeout)
    query_url = base if base.endswith("/by-query") else f"{base}/api/catalog/entities/by-query"
    params: dict[str, Any] = {"limit": PAGE_SIZE}
    items: list[Any] = []
    for _ in range(MAX_PAGES):
        response = _get(session, query_url, params, timeout, allow_missing=not items)
        if response is None:
            return _by_offset(session, f"{base}/api/catalog/entities", timeout)
        body = _json(response, query_url)
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise CatalogFetchError(f"{query_url} did not answer with a page of entities", retryable=False)
        items.extend(body["items"])
        cursor = (body.get("pageInfo") or {}).get("nextCursor")
        if not cursor:
            return items
        params = {"limit": PAGE_SIZE, "cursor": cursor}
    raise CatalogFetchError(f"{query_url} kept giving more pages after {MAX_PAGES}", retryable=False)


def _by_offset(session: requests.Session, url: str, timeout: float) -> list[Any]:
    items: list[Any] = []
    for page in range(MAX_PAGES):
        response = _get(session, url, {"offset": page * PAGE_SIZE, "limit": PAGE_SIZE}, timeout, allow_missing=False)
        assert response is not None
        body = _json(response, url)
        if not isinstance(body, list):
            raise CatalogFetchError(f"{url} did not answer with a list of entities", retryable=False)
        items.extend(body)
        if len(body) < PAGE_SIZE:
            return items
    raise CatalogFetchError(f"{url} kept giving more pages after {MAX_PAGES}", retryable=False)


def _get(
    session: requests.Session, url: str, params: dict[str, Any], timeout: float, *, allow_missing: bool
) -> requests.Response | None:
    try:
        response = session.get(url, params=params, timeout=timeout)
    except requests.RequestException as exc:
        raise CatalogFetchError(f"{url} could not be reached: {exc}", retryable=True) from exc
    if response.status_code == 404 and allow_missing:
        return None
    if response.status_code in (401, 403):
        raise CatalogFetchError(f"{url} refused the token (HTTP {response.status_code})", retryable=False)
    if response.status_code == 429 or response.status_code >= 500:
        raise CatalogFetchError(f"{url} answered HTTP {response.status_code}", retryable=True)
    if response.status_code != 200:
        raise CatalogFetchError(f"{url} answered HTTP {response.status_code}", retryable=False)
    return response


def _json(response: requests.Response, url: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise CatalogFetchError(f"{url} did not answer with JSON", retryable=False) from exc
