"""Backstage entity references (`kind:namespace/name`), written out in full and lower case so they compare."""

from __future__ import annotations

from typing import Any

DEFAULT_NAMESPACE = "default"


def parse_ref(text: str, *, default_kind: str) -> str:
    """`name`, `namespace/name` or `kind:namespace/name` as the full, lower-case reference."""
    kind, sep, rest = text.strip().partition(":")
    if not sep:
        kind, rest = default_kind, text.strip()
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = DEFAULT_NAMESPACE, rest
    if not kind or not namespace or not name:
        raise ValueError(f"{text!r} is not an entity reference (kind:namespace/name)")
    return f"{kind}:{namespace}/{name}".lower()


def entity_ref(entity: dict[str, Any]) -> str:
    metadata = entity.get("metadata") or {}
    return parse_ref(
        f"{entity.get('kind', '')}:{metadata.get('namespace') or DEFAULT_NAMESPACE}/{metadata.get('name', '')}",
        default_kind="",
    )


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def ref_kind(ref: str) -> str:
    return ref.split(":", 1)[0]
