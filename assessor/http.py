"""One way to make outgoing HTTP requests with retries: a requests session whose adapter retries connection
errors, 429s and 5xx answers with growing pauses and honours Retry-After (urllib3's Retry)."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
BACKOFF_SECONDS = 0.5


def retrying_session(retries: int, *, methods: frozenset[str] = frozenset({"GET"})) -> requests.Session:
    """A session that retries `retries` times; name POST in `methods` only where the receiver is idempotent."""
    session = requests.Session()
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=BACKOFF_SECONDS,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=methods,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
