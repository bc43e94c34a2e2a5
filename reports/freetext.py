"""Storing free-text tags: tagging a wave's texts (idempotent, admins' decisions kept) and admins' decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from assessor.capabilities import read_capabilities
from reports.models import FreeTextTag
from reports.selectors import free_text_review, organization_scope
from reports.tagging import CAPABILITY, MECHANISM, MECHANISM_NAMES, read_vocabulary, tag_text
from surveys.models import Wave


class TagRefused(ValueError):
    """An admin's decision that cannot be applied; the message says why."""


@dataclass(frozen=True)
class TaggingReport:
    texts: int
    created: int
    updated: int
    removed: int


def free_text_tag(*, wave: Wave, now: datetime) -> TaggingReport:
    """Suggest tags for every free text of the wave. Running it again changes nothing unless a text or the
    vocabulary changed; tags an admin confirmed, rejected or added are never touched, and a suggestion the
    tagger no longer makes is removed."""
    vocabulary = read_vocabulary()
    texts, _ = free_text_review(organization_scope(wave.organization), wave_id=wave.pk)
    answer_ids = [int(pk) for pk in texts["answer_id"]]
    existing = {(tag.answer_id, tag.kind, tag.value): tag for tag in FreeTextTag.objects.filter(answer_id__in=answer_ids)}
    created: list[FreeTextTag] = []
    updated: list[FreeTextTag] = []
    wanted: set[tuple[int, str, str]] = set()
    for answer_id, text in zip(answer_ids, texts["text"], strict=True):
        for tag in tag_text(str(text), vocabulary):
            key = (answer_id, tag.kind, tag.value)
            wanted.add(key)
            fields = {
                "phrase": tag.phrase[:200],
                "start": tag.start,
                "end": tag.end,
                "low_days": tag.low_days,
                "high_days": tag.high_days,
                "vocabulary_version": vocabulary.version,
            }
            stored = existing.get(key)
            if stored is None:
                created.append(FreeTextTag(answer_id=answer_id, kind=tag.kind, value=tag.value, created_at=now, **fields))
            elif any(getattr(stored, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(stored, name, value)
                updated.append(stored)
    stale = [tag.pk for key, tag in existing.items() if key not in wanted and tag.status == FreeTextTag.Status.SUGGESTED]
    with transaction.atomic():
        FreeTextTag.objects.bulk_create(created)
        FreeTextTag.objects.bulk_update(updated, ["phrase", "start", "end", "low_days", "high_days", "vocabulary_version"])
        FreeTextTag.objects.filter(pk__in=stale).delete()
    return TaggingReport(texts=len(answer_ids), created=len(created), updated=len(updated), removed=len(stale))


def tag_choices() -> list[tuple[str, str]]:
    """What an admin may add, as ("kind:value", label) pairs: every capability domain and mechanism."""
    capabilities = [(f"{CAPABILITY}:{domain.key}", domain.name) for domain in read_capabilities()]
    mechanisms = [(f"{MECHANISM}:{key}", name) for key, name in MECHANISM_NAMES.items()]
    return capabilities + mechanisms


def free_text_tag_decide(*, tag: FreeTextTag, status: str, user: AbstractBaseUser | None, now: datetime) -> FreeTextTag:
    if status not in (FreeTextTag.Status.CONFIRMED, FreeTextTag.Status.REJECTED):
        raise TagRefused("A tag can be confirmed or rejected.")
    tag.decide(status=status, user=user, now=now)
    return tag


def free_text_tag_add(*, answer_id: int, choice: str, user: AbstractBaseUser | None, now: datetime) -> FreeTextTag:
    """An admin's own tag on a text; adding a tag the text already has confirms it instead."""
    if choice not in dict(tag_choices()):
        raise TagRefused("Choose a capability or a delivery mechanism from the list.")
    kind, value = choice.split(":", 1)
    tag, made = FreeTextTag.objects.get_or_create(
        answer_id=answer_id,
        kind=kind,
        value=value,
        defaults={"status": FreeTextTag.Status.ADDED, "created_at": now, "decided_by": user, "decided_at": now},
    )
    if not made and tag.status != FreeTextTag.Status.ADDED:
        tag.decide(status=FreeTextTag.Status.CONFIRMED, user=user, now=now)
    return tag


def capability_decisions(texts: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """Admins' decisions on capability tags, as `reports.frames.cooperation.free_text_by_capability` takes them
    (response_id, question_key, capability, status), from what `free_text_review` returns."""
    decided = tags[(tags["kind"] == CAPABILITY) & (tags["status"] != FreeTextTag.Status.SUGGESTED)]
    joined = decided.merge(texts[["answer_id", "response_id", "question_key"]], on="answer_id")
    return joined.rename(columns={"value": "capability"})[["response_id", "question_key", "capability", "status"]]
