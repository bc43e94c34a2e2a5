"""Helpers for reads and writes of many rows at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.models import QuerySet


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk read builds millions of row tuples.

    Each new tuple counts towards the collector's thresholds, so reading a million answers otherwise runs
    hundreds of collections that walk every tuple made so far and find nothing to free (rows hold no cycles):
    a third of the time of a full rescore. Reference counting still frees everything as usual; the collector
    is turned back on (if it was on) when the block ends, even on error, and runs on its normal schedule."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fetch_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Every row of a `values_list` queryset, fetched in one call of the driver's cursor.

    The same SQL as iterating the queryset, without its per-100-rows iterator; only for columns that need no
    conversion from the database value (integers, floats, text), which is what the bulk reads ask for."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
