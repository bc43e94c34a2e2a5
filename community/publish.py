"""Publishing a wave's current release to a community: on this deployment (a contributor linked to the
organization), or to another deployment over HTTP with the contributor token its community admin issued.

The release goes as stored: its exact text and SHA-256, with an opaque name for the wave (a keyed hash of
its id, so the community tells releases of one wave apart and learns nothing else). Connection errors,
429s and 5xx answers are retried with growing pauses (urllib3's Retry); a refusal is reported with the
community's own message.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from django.conf import settings

from assessor.http import RETRY_STATUSES, retrying_session
from community import conf
from community.models import Contributor
from community.services import Receipt, release_receive
from reports import conf as reports_conf
from reports.export.releases import current_release
from reports.models import Release
from surveys.models import Wave


class PublishFailed(Exception):
    """Publishing did not happen; `retryable` says whether trying again later may help."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Sent:
    """What the community answered: its id for the release, whether it was new, and its message."""

    release_number: int
    created: bool
    received_id: int | None
    message: str


def wave_ref(wave: Wave) -> str:
    key = hashlib.sha256(b"community.wave:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, str(wave.pk).encode(), hashlib.sha256).hexdigest()[:32]


def publishable_release(wave: Wave) -> Release:
    release = current_release(wave)
    if release is None:
        raise PublishFailed(f"{wave.name} has no release yet: publish one on its release page first, then send it.")
    return release


def envelope(wave: Wave, release: Release) -> dict[str, Any]:
    return {
        "wave": wave_ref(wave),
        "document": release.document,
        "sha256": release.document_sha256,
        "origin": reports_conf.site_url(),
    }


def release_publish_local(*, wave: Wave, contributor: Contributor, now: datetime) -> tuple[Release, Receipt]:
    """Hand the wave's current release to a community on this deployment, through the same checks as over HTTP."""
    if contributor.organization_id != wave.organization_id or contributor.revoked_at is not None:
        raise PublishFailed(f"{wave.organization.name} does not contribute to {contributor.community.name}.")
    release = publishable_release(wave)
    return release, release_receive(contributor=contributor, envelope=envelope(wave, release), now=now)


def releases_url(url: str) -> str:
    """The community's address as its page shows it (…/api/v1/communities/<slug>/), or its releases endpoint."""
    base = url.strip()
    if not base.startswith(("http://", "https://")):
        raise PublishFailed(f"{url!r} is not an http(s) address of a community.")
    return base if base.rstrip("/").endswith("/releases") else base.rstrip("/") + "/releases/"


def _error_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error", {})
        return str(error.get("message") or response.reason)
    except (ValueError, AttributeError):
        return response.text[:300] or str(response.reason)


def release_send(*, wave: Wave, url: str, token: str, retries: int | None = None) -> Sent:
    """POST the wave's current release to a community on another deployment."""
    if not token:
        raise PublishFailed("No contributor token: pass --token, or set COMMUNITY_TOKEN, to the key the community issued.")
    release = publishable_release(wave)
    target = releases_url(url)
    attempts = conf.http_retries() if retries is None else retries
    try:
        with retrying_session(attempts, methods=frozenset({"POST"})) as session:  # receiving is idempotent
            response = session.post(
                target,
                json=envelope(wave, release),
                headers={"Authorization": f"Token {token}", "Accept": "application/json"},
                timeout=conf.http_timeout(),
            )
    except requests.RequestException as exc:
        raise PublishFailed(
            f"Could not reach {target} after {attempts + 1} attempt(s): {type(exc).__name__}. Check the address and try again.",
            retryable=True,
        ) from exc
    if response.status_code in (200, 201):
        body = response.json()
        created = response.status_code == 201
        word = "received" if created else "already held"
        return Sent(release.number, created, body.get("id"), f"Release {release.number} of {wave.name}: {word} by {target}.")
    retryable = response.status_code in RETRY_STATUSES
    raise PublishFailed(
        f"{target} refused release {release.number} of {wave.name} ({response.status_code}): {_error_message(response)}",
        retryable=retryable,
    )
