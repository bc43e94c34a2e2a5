"""Frames as HTML tables (the accessible alternative to each chart) and as CSV downloads."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.csvsafe import safe_cell


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text, title, int, score, percent, level, date, bool, signed


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA or value is pd.NaT


def display(value: Any, kind: str) -> str:
    """A value as people read it in a table."""
    if _missing(value):
        return "\u2013"
    if kind == "int":
        return str(int(value))
    if kind == "score":
        return f"{float(value):.2f}"
    if kind == "signed":
        return f"{float(value):+.2f}"
    if kind == "percent":
        return f"{100 * float(value):.0f}%"
    if kind == "level":
        return str(int(value))
    if kind == "bool":
        return "yes" if value else "no"
    if kind == "title":
        return str(value).capitalize()
    if kind == "date" and isinstance(value, datetime | date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def raw(value: Any, kind: str) -> str:
    """A value as CSV keeps it (full precision, ISO dates, empty when missing)."""
    if _missing(value):
        return ""
    if kind in ("int", "level"):
        return str(int(value))
    if kind == "percent":
        return f"{float(value):.4f}"
    if kind in ("score", "signed"):
        return f"{float(value):.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def render_table(frame: pd.DataFrame, columns: Sequence[Column], *, caption: str = "", max_rows: int | None = None) -> SafeString:
    """A plain HTML table; built with string joins because a dashboard may hold thousands of cells."""
    head = "".join(f'<th scope="col">{escape(column.label)}</th>' for column in columns)
    rows = frame if max_rows is None else frame.head(max_rows)
    body = []
    records = rows[[column.key for column in columns]].itertuples(index=False, name=None)
    for record in records:
        cells = []
        for column, value in zip(columns, record, strict=True):
            css = ' class="num"' if column.kind in ("int", "score", "percent", "signed") else ""
            if column.kind == "level" and not _missing(value):
                css = f' class="level-{int(value)}"'
            cells.append(f"<td{css}>{escape(display(value, column.kind))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(columns)}" class="muted">Nothing to show.</td></tr>')
    caption_html = f"<caption>{escape(caption)}</caption>" if caption else ""
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f'<p class="muted">Showing {max_rows} of {len(frame)} rows; the CSV has them all.</p>'
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<div class="table-scroll"><table class="data-table">{caption_html}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>{more}"
    )


def csv_text(frame: pd.DataFrame, columns: Sequence[Column]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.label for column in columns])
    for record in frame[[column.key for column in columns]].itertuples(index=False, name=None):
        writer.writerow([safe_cell(raw(value, column.kind)) for column, value in zip(columns, record, strict=True)])
    return out.getvalue()
