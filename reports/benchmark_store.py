"""Benchmark files loaded into this deployment (a community's, from a file or fetched from its URL), kept in
the database so every process serves the same ones; the trend report offers their editions.

A file must pass the same checks as the bundled figures (benchmarks.schema.json and reports.benchmarks) and
name its series (`key`). Loading the same version again changes nothing; an older version than the one held
is refused, so a stale copy never replaces a newer one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import requests

from assessor.datafiles import parse_data_text
from assessor.http import RETRY_STATUSES, retrying_session
from reports import conf
from reports.benchmarks import SCHEMA_FILE, Benchmark, BenchmarkFileError, parse_benchmarks
from reports.models import LoadedBenchmark

MAX_BYTES = 1024 * 1024


class BenchmarkFetchFailed(Exception):
    """The community's URL did not give a benchmark file; `retryable` when trying later may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Loaded:
    row: LoadedBenchmark
    outcome: str  # "loaded", "replaced" or "unchanged"
    editions: tuple[Benchmark, ...]


def benchmark_load(*, text: str | bytes, source: str, now: datetime) -> Loaded:
    raw = text.encode() if isinstance(text, str) else text
    if len(raw) > MAX_BYTES:
        raise BenchmarkFileError(f"The file is {len(raw)} bytes; benchmark files are at most {MAX_BYTES}.", source=source)
    data = parse_data_text(raw, SCHEMA_FILE, source=source, error=BenchmarkFileError)
    editions = parse_benchmarks(data, source=source)
    if not data.get("key"):
        raise BenchmarkFileError(
            "key: a loaded benchmark file names its series (`key`), so a newer version can replace it", source=source
        )
    key, version, digest = str(data["key"]), int(data.get("version") or 1), hashlib.sha256(raw).hexdigest()
    held = LoadedBenchmark.objects.filter(key=key).first()
    if held is not None and held.sha256 == digest:
        return Loaded(held, "unchanged", editions)
    if held is not None and version <= held.version:
        raise BenchmarkFileError(
            f"version: {version} is not newer than version {held.version} of {key!r}, loaded {held.loaded_at:%Y-%m-%d} "
            f"from {held.source}; a benchmark file is replaced only by a newer version",
            source=source,
        )
    row, created = LoadedBenchmark.objects.update_or_create(
        key=key,
        defaults={"version": version, "text": raw.decode(), "sha256": digest, "source": source[:500], "loaded_at": now},
    )
    return Loaded(row, "loaded" if created else "replaced", editions)


@lru_cache(maxsize=32)
def _parsed(digest: str, text: str) -> tuple[Benchmark, ...]:
    return parse_benchmarks(parse_data_text(text, SCHEMA_FILE, source="loaded benchmark", error=BenchmarkFileError))


def loaded_benchmarks() -> tuple[Benchmark, ...]:
    """Every edition of every loaded file, newest first (one query)."""
    editions: list[Benchmark] = []
    for digest, text in LoadedBenchmark.objects.order_by("key").values_list("sha256", "text"):
        editions.extend(_parsed(digest, text))
    return tuple(sorted(editions, key=lambda e: (e.year, e.volume), reverse=True))


def benchmark_fetch(*, url: str, token: str, now: datetime) -> Loaded:
    """GET the benchmark file from a community's URL (retried on connection errors, 429 and 5xx) and load it."""
    if not url.startswith(("http://", "https://")):
        raise BenchmarkFetchFailed(f"{url!r} is not an http(s) address.", retryable=False)
    headers = {"Accept": "application/yaml, application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        with retrying_session(conf.http_retries()) as session:
            response = session.get(url, headers=headers, timeout=conf.http_timeout())
    except requests.RequestException as exc:
        raise BenchmarkFetchFailed(f"Could not reach {url}: {type(exc).__name__}.", retryable=True) from exc
    if response.status_code != 200:
        raise BenchmarkFetchFailed(
            f"{url} answered {response.status_code}: {response.text[:300]}", retryable=response.status_code in RETRY_STATUSES
        )
    return benchmark_load(text=response.content, source=url, now=now)
