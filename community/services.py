"""What changes a community: issuing contributor tokens, and receiving a release (from another deployment over
HTTP, or from an organization on this one).

A release arrives as an envelope: the sender's opaque name for the wave, the document as the exact text it
stored, that text's SHA-256, and optionally the deployment it came from. It is checked (hash, format version,
the export's JSON Schema for that version, a published release rather than a draft) before anything is
written, stored once, and the same release sent again gets the same answer.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from assessor import jsonsafe
from assessor.datafiles import DataFileInvalid, check_data
from assessor.models import Organization
from assessor.models.api_token import api_key_digest, api_key_new
from community import conf
from community.models import Community, Contributor, ReceivedRelease
from reports.api.exports import SCHEMA_DIR
from reports.export.tag import FORMAT

WAVE_REF = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
FIRST_VERSION_WITH_RELEASES = 2  # version 1 documents carry no release number, so nothing could supersede them
MAX_PROBLEMS = 6


class ReleaseRejected(Exception):
    """The release is refused and nothing was stored: `status` is the HTTP status, `code` names why."""

    def __init__(self, message: str, *, status: int = 400, code: str = "invalid_release", details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Receipt:
    release: ReceivedRelease
    created: bool


def supported_versions() -> tuple[int, ...]:
    """Every export format version whose schema ships with the service and that numbers its releases."""
    found = []
    for path in SCHEMA_DIR.glob("tag-export-*.schema.json"):
        number = path.name.removeprefix("tag-export-").removesuffix(".schema.json")
        if number.isdigit() and int(number) >= FIRST_VERSION_WITH_RELEASES:
            found.append(int(number))
    return tuple(sorted(found))


def contributor_issue(
    *, community: Community, pseudonym: str, public_name: str = "", organization: Organization | None = None
) -> tuple[Contributor, str]:
    """A contributor and its token; only the token's hash is kept, so the key is shown this once."""
    key = api_key_new()
    with transaction.atomic():  # a taken pseudonym raises IntegrityError and leaves the caller's transaction usable
        contributor = Contributor.objects.create(
            community=community,
            pseudonym=pseudonym.strip(),
            public_name=public_name.strip(),
            organization=organization,
            key_hash=api_key_digest(key),
            hint=key[:8],
        )
    return contributor, key


def contributor_for_key(key: str, *, now: datetime) -> Contributor | None:
    """The contributor whose token this is, unless revoked; its last use is recorded."""
    contributor = (
        Contributor.objects.select_related("community").filter(key_hash=api_key_digest(key), revoked_at__isnull=True).first()
    )
    if contributor is not None:
        contributor.mark_used(now)
    return contributor


def _text(envelope: Mapping[str, Any], name: str, pattern: re.Pattern[str], what: str) -> str:
    value = envelope.get(name)
    if not isinstance(value, str) or not pattern.match(value):
        raise ReleaseRejected(f"`{name}` must be {what}.", code="invalid_envelope")
    return value


def _document(envelope: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The document text, its hash, and the parsed document, or a refusal saying what is wrong."""
    text = envelope.get("document")
    if not isinstance(text, str) or not text:
        raise ReleaseRejected(
            "`document` must be the release's JSON text, exactly as the sender stored it.", code="invalid_envelope"
        )
    size = len(text.encode())
    if size > conf.max_release_bytes():
        raise ReleaseRejected(
            f"The release is {size} bytes; this community accepts up to {conf.max_release_bytes()}.", status=413, code="too_large"
        )
    declared = _text(envelope, "sha256", SHA256, "the document's SHA-256 in lower-case hex")
    actual = hashlib.sha256(text.encode()).hexdigest()
    if actual != declared:
        raise ReleaseRejected(
            "The document does not match its SHA-256: it was changed after it was released, or cut in transit. Send the "
            "release exactly as stored (manage.py publish_release does).",
            code="hash_mismatch",
            details={"declared": declared, "computed": actual},
        )
    try:
        document = jsonsafe.loads(text)
    except ValueError as exc:
        raise ReleaseRejected(f"The document is not valid JSON: {exc}", code="invalid_json") from exc
    if not isinstance(document, dict):
        raise ReleaseRejected("The document must be a JSON object (a TAG export).", code="invalid_release")
    return text, actual, document


def _version(document: Mapping[str, Any]) -> int:
    supported = supported_versions()
    listed = ", ".join(str(v) for v in supported)
    if document.get("format") != FORMAT:
        raise ReleaseRejected(f"The document is not a {FORMAT} document (its format is {document.get('format')!r}).")
    version = document.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version not in supported:
        raise ReleaseRejected(
            f"Format version {version!r} is not supported here; this community accepts {FORMAT} versions {listed}. "
            "Update the sending service, or ask the community to update theirs.",
            code="unsupported_version",
            details={"declared": version, "supported": list(supported)},
        )
    return version


def _checked(document: dict[str, Any], version: int) -> dict[str, Any]:
    try:
        check_data(document, SCHEMA_DIR / f"tag-export-{version}.schema.json", source=f"{FORMAT} {version}")
    except DataFileInvalid as exc:
        problems = list(exc.problems)
        more = f" and {len(problems) - MAX_PROBLEMS} more" if len(problems) > MAX_PROBLEMS else ""
        raise ReleaseRejected(
            f"The document does not match the {FORMAT} version {version} schema: {'; '.join(problems[:MAX_PROBLEMS])}{more}.",
            code="schema_violation",
            details=problems[:50],
        ) from exc
    release = document.get("release")
    if not isinstance(release, dict):
        raise ReleaseRejected("This is a draft (its `release` is null): publish the wave's release first, then send it.")
    if release.get("superseded"):
        raise ReleaseRejected(
            "This release is superseded by a later release of its wave: send the current one.", status=409, code="superseded"
        )
    return release


def release_receive(*, contributor: Contributor, envelope: Mapping[str, Any], now: datetime) -> Receipt:
    """Check and store one release from `contributor`; the same release again returns the stored one."""
    if not isinstance(envelope, Mapping):
        raise ReleaseRejected("The body must be a JSON object with wave, document and sha256.", code="invalid_envelope")
    wave_ref = _text(envelope, "wave", WAVE_REF, "the sender's name for the wave: 8 to 64 letters, digits, - or _")
    origin = envelope.get("origin") or ""
    if not isinstance(origin, str) or len(origin) > 300:
        raise ReleaseRejected(
            "`origin` must be the sending deployment's address (up to 300 characters).", code="invalid_envelope"
        )
    text, digest, document = _document(envelope)
    version = _version(document)
    number = int(_checked(document, version)["number"])
    with transaction.atomic():
        held = ReceivedRelease.objects.filter(contributor=contributor, wave_ref=wave_ref, number=number).first()
        if held is not None:
            return _same_or_conflict(held, digest)
        try:
            with transaction.atomic():
                stored = ReceivedRelease.objects.create(
                    community=contributor.community,
                    contributor=contributor,
                    sender=contributor.pseudonym,
                    origin=origin,
                    wave_ref=wave_ref,
                    number=number,
                    format_version=version,
                    closed_in=str(document["context"]["closed_in"]),
                    document=text,
                    document_sha256=digest,
                    received_at=now,
                )
        except IntegrityError:  # the same release, sent twice at once: the other request stored it
            held = ReceivedRelease.objects.get(contributor=contributor, wave_ref=wave_ref, number=number)
            return _same_or_conflict(held, digest)
    return Receipt(stored, True)


def _same_or_conflict(held: ReceivedRelease, digest: str) -> Receipt:
    if held.document_sha256 == digest:
        return Receipt(held, False)
    raise ReleaseRejected(
        f"Release {held.number} of this wave was received on {held.received_at:%Y-%m-%d %H:%M} UTC with other content; "
        "a stored release never changes. Publish a new release of the wave to send changed figures.",
        status=409,
        code="release_differs",
    )
