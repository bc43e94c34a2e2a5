"""Releases of a wave's TAG export: drafted for a preview, published once, served as stored, superseded by a reopen.

Only a closed wave is released. The first release is built from the wave's data and stored with its
inputs hash and the exact respondents behind each figure; every later read serves that stored text.
Reopening the wave (surveys' `wave_reopen`) supersedes the releases published before it; a new release
is published only if no figure differs from any earlier release by fewer than k respondents.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from reports.export.release import CellConflict, cell_conflicts, conflicts_message, document_sha256
from reports.export.selectors import tag_input
from reports.export.tag import ReleaseInfo, TagDocument, tag_release, tag_tally, tally_inputs_hash
from reports.models import Release
from reports.selectors import WAVE_CHUNK_TEAMS
from surveys.models import Wave


class ReleaseRefused(Exception):
    """The release cannot be published; `code` names why for API clients, `details` the cells at fault."""

    def __init__(self, message: str, *, code: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class ReleaseDraft:
    """What publishing now would store, and what stops it (empty when it could be published)."""

    built: TagDocument
    inputs_hash: str
    number: int
    conflicts: list[CellConflict]
    k: int

    @property
    def refusal(self) -> str:
        return conflicts_message(self.conflicts, k=self.k) if self.conflicts else ""


def _key() -> bytes:
    return hashlib.sha256(b"reports.release.inputs:" + settings.SECRET_KEY.encode()).digest()


def not_closed_message(wave: Wave) -> str:
    return (
        f"The wave {wave.name} is still open (until {wave.closes_at:%d %B %Y %H:%M %Z}): only closed waves are released, "
        "since two exports of a running wave could be subtracted to isolate the answers that came in between."
    )


def supersede_before_reopen(wave: Wave) -> None:
    """Releases published before the wave was last reopened are superseded as of that moment."""
    if wave.reopened_at is not None:
        Release.objects.filter(wave=wave, superseded_at__isnull=True, created_at__lt=wave.reopened_at).update(
            superseded_at=wave.reopened_at
        )


def releases_of(wave: Wave) -> list[Release]:
    supersede_before_reopen(wave)
    return list(Release.objects.filter(wave=wave).defer("document", "cells").order_by("number"))


def current_release(wave: Wave) -> Release | None:
    """The newest release not superseded, with its stored document."""
    supersede_before_reopen(wave)
    return Release.objects.filter(wave=wave, superseded_at__isnull=True).order_by("-number").first()


def release_draft(*, wave: Wave, now: datetime, k: int, release_text: bool) -> ReleaseDraft:
    """Build the next release without storing it, and check it against every earlier release of the wave."""
    source = tag_input(wave, with_names=release_text, chunk_teams=WAVE_CHUNK_TEAMS)
    tally = tag_tally(source, with_text=release_text, with_hash=True)  # one pass over the wave, chunk by chunk
    digest = tally_inputs_hash(tally, source, key=_key())
    earlier = list(Release.objects.filter(wave=wave).order_by("number").values_list("number", "min_group_size", "cells"))
    number = (max((row[0] for row in earlier), default=0)) + 1
    built = tag_release(source, k=k, now=now, release_text=release_text, release=ReleaseInfo(number, digest), tally=tally)
    conflicts: list[CellConflict] = []
    for earlier_number, earlier_k, cells in earlier:
        old = {name: (int(value[0]), bool(value[1])) for name, value in cells.items()}
        conflicts += cell_conflicts(new=built.cells, earlier=[(earlier_number, old)], k=max(k, earlier_k))
    return ReleaseDraft(built=built, inputs_hash=digest, number=number, conflicts=conflicts, k=k)


def release_publish(*, wave: Wave, now: datetime, k: int, release_text: bool, user: Any = None) -> tuple[Release, bool]:
    """Publish the wave's next release, or return the current one when it was built from the same data with the
    same options. Returns (release, created); raises ReleaseRefused when the wave is open or a figure would
    differ from an earlier release by fewer than k respondents."""
    if not wave.has_closed(now):
        raise ReleaseRefused(not_closed_message(wave), code="wave_not_closed")
    with transaction.atomic():
        locked = Wave.objects.select_for_update().select_related("organization", "instrument").get(pk=wave.pk)
        if not locked.has_closed(now):
            raise ReleaseRefused(not_closed_message(locked), code="wave_not_closed")
        current = current_release(locked)
        draft = release_draft(wave=locked, now=now, k=k, release_text=release_text)
        if current is not None and (current.inputs_hash, current.release_text, current.min_group_size) == (
            draft.inputs_hash,
            release_text,
            k,
        ):
            return current, False
        if draft.conflicts:
            details = [{"cell": c.cell, "release": c.release, "change": c.change} for c in draft.conflicts]
            raise ReleaseRefused(draft.refusal, code="release_too_close", details=details)
        text = json.dumps(draft.built.document, ensure_ascii=False)
        scrubbed = draft.built.scrubbed
        Release.objects.filter(wave=locked, superseded_at__isnull=True).update(superseded_at=now)
        release = Release.objects.create(
            wave=locked,
            number=draft.number,
            created_at=now,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            inputs_hash=draft.inputs_hash,
            document=text,
            document_sha256=document_sha256(text),
            min_group_size=k,
            release_text=release_text,
            scrubbed_texts=scrubbed.texts if scrubbed else 0,
            scrub_replacements=scrubbed.as_dict()["replacements"] if scrubbed else {},
            cells={name: [count, shown] for name, (count, shown) in draft.built.cells.items()},
        )
    return release, True


def release_for_download(wave: Wave, number: int) -> Release | None:
    supersede_before_reopen(wave)
    return Release.objects.filter(wave=wave, number=number).first()


def served_document(release: Release) -> dict[str, Any]:
    """The stored document; a superseded release says so (the stored text and its hash stay as published)."""
    document: dict[str, Any] = json.loads(release.document)
    if release.superseded and isinstance(document.get("release"), dict):
        document["release"] = {
            **document["release"],
            "superseded": True,
            "superseded_at": release.superseded_at.isoformat(timespec="seconds") if release.superseded_at else None,
        }
    return document
