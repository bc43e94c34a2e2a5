"""Writes that span the core: loading the maturity model into the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from assessor.maturity import ModelSpec
from assessor.models import Aspect, Cell, Level, ModelVersion


@dataclass(frozen=True)
class LoadResult:
    version: ModelVersion
    created: bool
    changed: bool


@transaction.atomic
def model_load(*, spec: ModelSpec) -> LoadResult:
    """Store a model version; loading the same content again changes nothing, other versions are untouched."""
    version, created = ModelVersion.objects.get_or_create(
        model_key=spec.model,
        version=spec.version,
        defaults={"title": spec.title, "content_hash": spec.content_hash},
    )
    if not created and version.content_hash == spec.content_hash:
        return LoadResult(version=version, created=False, changed=False)

    version.title = spec.title
    version.source_name = spec.source_name
    version.source_url = spec.source_url
    version.guidance = list(spec.guidance)
    version.content_hash = spec.content_hash
    version.save()

    levels = {}
    for level_spec in spec.levels:
        levels[level_spec.number], _ = Level.objects.update_or_create(
            model_version=version,
            number=level_spec.number,
            defaults={"name": level_spec.name, "aliases": list(level_spec.aliases)},
        )
    for order, aspect_spec in enumerate(spec.aspects, start=1):
        aspect, _ = Aspect.objects.update_or_create(
            model_version=version,
            key=aspect_spec.key,
            defaults={
                "name": aspect_spec.name,
                "question": aspect_spec.question,
                "description": aspect_spec.description,
                "order": order,
            },
        )
        for cell_spec in aspect_spec.cells:
            Cell.objects.update_or_create(
                aspect=aspect,
                level=levels[cell_spec.level],
                defaults={
                    "label": cell_spec.label,
                    "summary": cell_spec.summary,
                    "characteristics": list(cell_spec.characteristics),
                    "next_steps": list(cell_spec.next_steps),
                    "evidence": list(cell_spec.evidence),
                },
            )
    return LoadResult(version=version, created=created, changed=True)
