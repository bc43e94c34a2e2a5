"""Writers: the TAG export document as CSV, and answer rows streamed as CSV or a JSON array, chunk by chunk."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from reports.csvsafe import safe_cell

TAG_CSV_COLUMNS = (
    "format_version",
    "section",
    "subject",
    "measure",
    "team_kind",
    "category",
    "count",
    "share",
    "value",
    "status",
)


def _csv_text(rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return buffer.getvalue()


def _table_rows(version: int, section: str, subject: str, measure: str, table: dict[str, Any]) -> Iterator[list[Any]]:
    kind = table["team_kind"]
    total = table["total"]
    yield [version, section, subject, measure, kind, "total", total, None, None, "suppressed" if total is None else "published"]
    for cell in table["cells"]:
        status = "suppressed" if cell["count"] is None else "published"
        yield [version, section, subject, measure, kind, cell["category"], cell["count"], cell["share"], None, status]


def tag_rows(document: dict[str, Any]) -> Iterator[list[Any]]:
    """The TAG export in long form: one row per published or suppressed figure."""
    version = document["format_version"]
    yield list(TAG_CSV_COLUMNS)
    context = document["context"]
    for name, value in (
        ("format", document["format"]),
        ("generated_at", document["generated_at"]),
        ("organization_size", context["organization_size"]),
        ("model_version", context["model_version"]),
        ("instrument", f"{context['instrument']['key']} v{context['instrument']['version']}"),
        ("closed_in", context["closed_in"]),
        ("min_group_size", document["disclosure_control"]["min_group_size"]),
        ("rounding_base", document["disclosure_control"]["rounding_base"]),
    ):
        yield [version, "context", name, None, None, None, None, None, value, "published"]
    release = document.get("release")  # version 2 and later; null in a draft
    if isinstance(release, dict):
        for name in ("number", "inputs_hash", "superseded", "superseded_at"):
            value = release.get(name)
            shown = str(value).lower() if isinstance(value, bool) else value
            yield [version, "context", f"release_{name}", None, None, None, None, None, shown, "published"]
        scrubbed = release.get("scrubbed")
        if isinstance(scrubbed, dict):
            yield [version, "context", "scrubbed_texts", None, None, None, None, None, scrubbed["texts"], "published"]
            for kind, count in scrubbed["replacements"].items():
                yield [version, "context", f"scrubbed_{kind}", None, None, None, None, None, count, "published"]
    for row in document["respondents"]:
        status = "suppressed" if row["count"] is None else "published"
        yield [version, "respondents", None, None, row["team_kind"], "total", row["count"], None, None, status]
    for table in document["level_distribution"]:
        yield from _table_rows(version, "level_distribution", table["aspect"], "level", table)
    for row in document["perception_gaps"]:
        for measure in ("provider_score", "consumer_score", "expected_consumer_score", "gap", "expectation_gap"):
            status = "suppressed" if row[measure] is None else "published"
            yield [
                version,
                "perception_gaps",
                row["aspect"],
                measure,
                row["provider_kind"],
                None,
                None,
                None,
                row[measure],
                status,
            ]
    for table in document["cooperation"]:
        yield from _table_rows(version, "cooperation", table["capability"], table["measure"], table)
    practices = document.get("practices")  # version 3 and later; null without a practices file
    for item in practices["items"] if isinstance(practices, dict) else []:
        for measure in ("adopters", "others", "from_free_text"):
            count = item[measure]
            status = "suppressed" if count is None else "published"
            yield [version, "practices", item["practice"], measure, "application", "teams", count, None, None, status]
        for table in item["outcomes"]:
            shaped = {**table, "team_kind": "application"}
            yield from _table_rows(version, "practices", item["practice"], f"{table['outcome']}.{table['group']}", shaped)
    for group in document["free_text"] or []:
        for text in group["texts"]:
            yield [version, "free_text", group["question"], None, group["team_kind"], None, None, None, text, "published"]


def tag_csv(document: dict[str, Any]) -> str:
    return _csv_text(tag_rows(document))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def answers_csv(
    columns: Sequence[str],
    chunks: Iterable[Sequence[Sequence[Any]]],
    *,
    text_columns: Iterable[str] = (),
    time_columns: Iterable[str] = (),
) -> Iterator[bytes]:
    """A header, then one encoded block per chunk. `text_columns` hold free text (defused for spreadsheets),
    `time_columns` datetimes (ISO 8601); everything else is written as it comes."""
    texts = [columns.index(name) for name in text_columns]
    times = [columns.index(name) for name in time_columns]
    yield _csv_text([columns]).encode()
    for chunk in chunks:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in chunk:
            values = list(row)
            for index in texts:
                values[index] = safe_cell(values[index])
            for index in times:
                values[index] = _iso(values[index])
            writer.writerow(values)
        yield buffer.getvalue().encode()


_encode = json.JSONEncoder(ensure_ascii=False).encode


def _json_text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _encode(value)
    if value is None:
        return "null"
    if kind is int:
        return str(value)
    if isinstance(value, datetime | date):
        return f'"{value.isoformat()}"'
    return _encode(value)


def answers_json(
    columns: Sequence[str], chunks: Iterable[Sequence[Sequence[Any]]], *, raw_json_columns: Iterable[str] = ()
) -> Iterator[bytes]:
    """A JSON array of objects, written one chunk at a time; `raw_json_columns` already hold JSON text."""
    raw = {columns.index(name) for name in raw_json_columns}
    keys = [json.dumps(name) + ":" for name in columns]
    yield b"["
    first = True
    for chunk in chunks:
        objects = []
        for row in chunk:
            parts = [
                keys[index] + ((value if value is not None else "null") if index in raw else _json_text(value))
                for index, value in enumerate(row)
            ]
            objects.append("{" + ",".join(parts) + "}")
        if objects:
            yield (("" if first else ",") + ",".join(objects)).encode()
            first = False
    yield b"]"
