"""Checking an uploaded `kubectl get -o json` dump before anything reads it: size, encoding, JSON, values that
cannot be stored (numbers that are not finite, text that is not Unicode), and the shape of each item; then which
kinds it holds, since a dump is evidence only for those."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from collectors.cluster_catalog import export_command
from collectors.errors import CollectorError
from collectors.records import Skipped
from collectors.storable import non_finite_constant, unstorable

KUBECTL_PAGE = 500  # kubectl's default --chunk-size
YAML_STARTS = ("apiVersion:", "kind:", "items:", "metadata:", "---", "- apiVersion:")


def how_to_export() -> str:
    return export_command()


class DumpError(CollectorError):
    """The dump cannot be used; the message tells the person who uploaded it what is wrong."""

    source = "kubernetes-dump"


@dataclass(frozen=True)
class Dump:
    """A checked dump: its items, the kinds typed Lists declared (so they count even when empty), and the kinds
    of raw API pages that said more items were left (`metadata.continue`)."""

    items: list[Mapping[str, Any]]
    declared: frozenset[tuple[str, str]] = frozenset()
    cut: frozenset[tuple[str, str]] = frozenset()


def _check_mapping(value: Any, where: str, *, of_strings: bool = False) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise DumpError(f"{where} must be an object.")
    if of_strings and not all(isinstance(v, str) for v in value.values()):
        raise DumpError(f"{where} must map names to text values.")


def _check_item(item: Any, index: int) -> Mapping[str, Any]:
    where = f"Item {index + 1}"
    if not isinstance(item, dict):
        raise DumpError(f"{where} is not an object.")
    for key in ("apiVersion", "kind"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise DumpError(
                f"{where} has no '{key}' text; every item needs apiVersion and kind. A raw API answer (from "
                "`kubectl get --raw` or curl) leaves them out of the items of a mixed List: export with "
                "`kubectl get ... -o json`, which writes them."
            )
    metadata = item.get("metadata")
    _check_mapping(metadata, f"{where} ({item['kind']}): metadata")
    if isinstance(metadata, dict):
        for key in ("name", "namespace"):
            if key in metadata and not isinstance(metadata[key], str):
                raise DumpError(f"{where} ({item['kind']}): metadata.{key} must be text.")
        _check_mapping(metadata.get("labels"), f"{where} ({item['kind']}): metadata.labels", of_strings=True)
        _check_mapping(metadata.get("annotations"), f"{where} ({item['kind']}): metadata.annotations", of_strings=True)
    _check_mapping(item.get("spec"), f"{where} ({item['kind']}): spec")
    return item


def _decode(data: bytes | str) -> str:
    """The text of the file. Windows PowerShell's `>` writes UTF-16 with a byte order mark; that is unambiguous."""
    if isinstance(data, str):
        return data
    try:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16")
        if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
            return data.decode("utf-16-le")
        if len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
            return data.decode("utf-16-be")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DumpError(
            "The file is neither UTF-8 nor UTF-16 text. Export it again with `kubectl get ... -o json > cluster.json`; "
            "in PowerShell, `| Out-File -Encoding utf8 cluster.json` also works."
        ) from exc


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=non_finite_constant)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith(YAML_STARTS):
            raise DumpError(
                "This file is YAML (what `kubectl get -o yaml` writes); the service reads JSON. Export it again "
                "with `-o json` instead of `-o yaml`."
            ) from exc
        if exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
            raise DumpError(
                f"The JSON ends early (line {exc.lineno}): the file looks truncated. Export it again and upload the whole file."
            ) from exc
        raise DumpError(f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from exc
    except RecursionError as exc:
        raise DumpError("The JSON is nested too deeply to be a Kubernetes export.") from exc
    except ValueError as exc:
        raise DumpError(f"The file is not usable JSON: {exc}.") from exc


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def read_dump(data: bytes | str, *, max_bytes: int) -> Dump:
    """The checked dump (a List, a typed List as the API answers it, or a single object). Raises DumpError with a
    message for the uploader."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size == 0:
        raise DumpError("The file is empty.")
    if size > max_bytes:
        raise DumpError(f"The file is {size:,} bytes; the limit is {max_bytes:,} bytes.")
    document = _parse(_decode(data))
    # Names, labels and annotations end up in signals and run notes: every number and string must be storable.
    found = unstorable(document)
    if found is not None:
        raise DumpError(f"The dump holds a value that cannot be stored: {found}.")
    if not isinstance(document, dict):
        raise DumpError("The file must hold a JSON object: the List that `kubectl get -o json` prints.")
    declared: set[tuple[str, str]] = set()
    cut: set[tuple[str, str]] = set()
    if "items" in document:
        items = document["items"]
        if not isinstance(items, list):
            raise DumpError("'items' must be a list of Kubernetes objects.")
        kind, api_version = document.get("kind"), document.get("apiVersion")
        if isinstance(kind, str) and kind.endswith("List") and kind != "List" and isinstance(api_version, str):
            # A typed List as the API answers it (DeploymentList): its items leave out their own kind.
            item_kind = (_group(api_version), kind.removesuffix("List"))
            items = [{"apiVersion": api_version, "kind": item_kind[1], **i} if isinstance(i, dict) else i for i in items]
            declared.add(item_kind)
            metadata = document.get("metadata")
            if isinstance(metadata, dict) and (metadata.get("continue") or metadata.get("remainingItemCount")):
                cut.add(item_kind)
    elif isinstance(document.get("kind"), str) and isinstance(document.get("apiVersion"), str):
        items = [document]
    else:
        raise DumpError(f"This is not a Kubernetes List or object. Produce one with: {how_to_export()}")
    checked = [_check_item(item, index) for index, item in enumerate(items)]
    return Dump(checked, frozenset(declared), frozenset(cut))


def parse_dump(data: bytes | str, *, max_bytes: int) -> list[Mapping[str, Any]]:
    """The items of a dump. Raises DumpError with a message for the uploader."""
    return read_dump(data, max_bytes=max_bytes).items


def _plural(kind: str) -> str:
    return f"{kind[:-1]}ies" if kind.endswith("y") else f"{kind}s"


@dataclass(frozen=True)
class Coverage:
    """Which of the kinds the signals read a dump holds, how many of each, and which it lacks."""

    counts: Mapping[tuple[str, str], int]
    wanted: Mapping[tuple[str, str], str]  # (group, kind) -> what it is for
    listed: frozenset[tuple[str, str]]
    cut: Mapping[tuple[str, str], str] = field(default_factory=dict)  # kind -> why it looks cut short

    @property
    def lacking(self) -> list[tuple[str, str]]:
        return sorted(k for k in self.wanted if k not in self.listed and k not in self.cut)

    @property
    def whole(self) -> bool:
        return not self.lacking and not self.cut

    def found_text(self) -> str:
        held = [f"{self.counts.get(k, 0)} {_plural(k[1])}" for k in sorted(self.wanted) if k in self.listed]
        return ", ".join(held) or "none of the kinds the evidence is read from"

    def lacking_text(self) -> str:
        return ", ".join(_plural(kind) for _, kind in self.lacking)

    def skipped(self) -> list[Skipped]:
        notes = [Skipped(_plural(kind), reason) for (_, kind), reason in sorted(self.cut.items())]
        if self.lacking:
            notes.append(
                Skipped(
                    self.lacking_text(),
                    "not in the dump, so unknown (never zero); an export that holds them makes them count",
                )
            )
        return notes

    def summary(self) -> dict[str, Any]:
        return {
            "found": {f"{g}/{k}".lstrip("/"): self.counts.get((g, k), 0) for g, k in sorted(self.listed)},
            "lacks": [f"{g}/{k}".lstrip("/") for g, k in self.lacking],
            "cut": [f"{g}/{k}".lstrip("/") for g, k in sorted(self.cut)],
        }

    def nothing_usable(self) -> str:
        return (
            f"The dump gives no evidence. It holds {self.found_text()}; it lacks {self.lacking_text() or 'nothing'}. "
            f"Namespaces (with their team label) and Deployments, or the CRDs, are needed. Export with: {how_to_export()}"
        )


def dump_coverage(dump: Dump, wanted: Mapping[tuple[str, str], str]) -> Coverage:
    """What the dump covers of `wanted`. A kind counts as read whole when the dump holds objects of it (or a typed
    List of it, even empty), unless it looks cut short: an API page that says more was left, or exactly a multiple
    of kubectl's page size, which is what a paged export stopped by an expired continue token leaves behind."""
    counts = Counter((_group(str(i["apiVersion"])), str(i["kind"])) for i in dump.items)
    held = set(counts) | set(dump.declared)
    cut: dict[tuple[str, str], str] = {}
    for key in held & set(wanted):
        count = counts.get(key, 0)
        if key in dump.cut:
            cut[key] = f"the dump holds one page of {count} and says more were left: export without a limit"
        elif count >= KUBECTL_PAGE and count % KUBECTL_PAGE == 0:
            cut[key] = (
                f"exactly {count}, a multiple of kubectl's page size: the export was probably cut short by an expired "
                "continue token (410). Export again with --chunk-size=0"
            )
    return Coverage(counts=dict(counts), wanted=dict(wanted), listed=frozenset(held - set(cut)), cut=cut)


def listed_kinds(items: list[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """The kinds a list of dump items holds: the only ones it is evidence for."""
    return {(_group(str(i["apiVersion"])), str(i["kind"])) for i in items}
