"""Checking an uploaded `kubectl get -o json` dump before anything reads it: size, JSON, values that cannot be
stored (numbers that are not finite, text that is not Unicode), and the shape of each item."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from collectors.errors import CollectorError
from collectors.storable import non_finite_constant, unstorable

HOW_TO_EXPORT = "kubectl get crd,namespaces,deployments,statefulsets,daemonsets,networkpolicies,hpa -A -o json > cluster.json"
WORKLOADS = frozenset({("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet")})


class DumpError(CollectorError):
    """The dump cannot be used; the message tells the person who uploaded it what is wrong."""

    source = "kubernetes-dump"


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
            raise DumpError(f"{where} has no '{key}' text; every item needs apiVersion and kind.")
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


def parse_dump(data: bytes | str, *, max_bytes: int) -> list[Mapping[str, Any]]:
    """The items of a dump (a List, or a single object). Raises DumpError with a message for the uploader."""
    size = len(data.encode() if isinstance(data, str) else data)
    if size == 0:
        raise DumpError("The file is empty.")
    if size > max_bytes:
        raise DumpError(f"The file is {size:,} bytes; the limit is {max_bytes:,} bytes.")
    try:
        text = data if isinstance(data, str) else data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DumpError("The file is not UTF-8 text; export it with `kubectl get ... -o json`.") from exc
    try:
        document = json.loads(text, parse_constant=non_finite_constant)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
            raise DumpError(
                f"The JSON ends early (line {exc.lineno}): the file looks truncated. Export it again and upload the whole file."
            ) from exc
        raise DumpError(f"The file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from exc
    except RecursionError as exc:
        raise DumpError("The JSON is nested too deeply to be a Kubernetes export.") from exc
    except ValueError as exc:
        raise DumpError(f"The file is not usable JSON: {exc}.") from exc
    # Names, labels and annotations end up in signals and run notes: every number and string must be storable.
    found = unstorable(document)
    if found is not None:
        raise DumpError(f"The dump holds a value that cannot be stored: {found}.")
    if not isinstance(document, dict):
        raise DumpError("The file must hold a JSON object: the List that `kubectl get -o json` prints.")
    if "items" in document:
        items = document["items"]
        if not isinstance(items, list):
            raise DumpError("'items' must be a list of Kubernetes objects.")
    elif isinstance(document.get("kind"), str) and isinstance(document.get("apiVersion"), str):
        items = [document]
    else:
        raise DumpError(f"This is not a Kubernetes List or object. Produce one with: {HOW_TO_EXPORT}")
    return [_check_item(item, index) for index, item in enumerate(items)]


def listed_kinds(items: list[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """The kinds a dump covers. A dump with namespaces and workloads (any of Deployments, StatefulSets and
    DaemonSets) is taken as a full export of the documented command, so a kind it names but that has no
    objects (no network policies) counts as zero."""
    present = {(str(i["apiVersion"]).rpartition("/")[0], str(i["kind"])) for i in items}
    if ("", "Namespace") in present and present & WORKLOADS:
        present |= {("networking.k8s.io", "NetworkPolicy"), ("autoscaling", "HorizontalPodAutoscaler")}
        present |= WORKLOADS
    return present
