"""Dashboard pages kept in Django's cache under a key made of what they are derived from.

The key holds the page, its parameters, the reader's scope (the organization, whether they see all of it,
and which teams), the newest rubric version and `reports.selectors.dashboard_freshness`: the newest ids of
the append-only tables (snapshots, responses, evidence, tags), the newest tag decision and the
organization's waves, links and annotations. New scores or answers therefore give a new key, and an entry
found under a key is still right. What the key does not see (a renamed team or group, another draft save)
shows when the entry expires, after REPORTS_DASHBOARD_CACHE_SECONDS. Pieces of pages that several builds
share (one wave's practice adoption) are kept the same way under their own inputs (`cached_part`).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.core.cache import cache

from assessor.scoring.rubric import load_rubric
from reports import conf
from reports.selectors import Scope, dashboard_freshness

# Bumped whenever a cached page's classes change shape, so entries written by older code are never read.
FORMAT = 1

Page = TypeVar("Page")


def page_key(page: str, scope: Scope, params: tuple[object, ...], *, now: datetime) -> str:
    teams = ",".join(str(team_id) for team_id in sorted(scope.team_ids))
    parts = (
        FORMAT,
        page,
        repr(params),
        scope.organization.pk,
        scope.org_wide,
        hashlib.sha256(teams.encode()).hexdigest(),
        load_rubric().version,
        dashboard_freshness(scope.organization, now=now),
    )
    return "dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(page: str, scope: Scope, params: tuple[object, ...], *, now: datetime, build: Callable[[], Page]) -> Page:
    """The page's data from the cache when its inputs have not changed since it was built, else built and kept."""
    if conf.dashboard_cache_seconds() <= 0:
        return build()
    return _kept(page_key(page, scope, params, now=now), build)


def cached_part(part: str, inputs: tuple[object, ...], *, build: Callable[[], Page]) -> Page:
    """A piece of a page kept under everything it is derived from (`inputs`, which the caller names in full),
    so that several pages, or one page built again after an unrelated change, share it. For rollups of one
    wave: a closed wave's inputs stay put while the current wave's answers keep arriving."""
    if conf.dashboard_cache_seconds() <= 0:
        return build()
    key = "dashboard-part:" + hashlib.sha256(repr((FORMAT, part, inputs)).encode()).hexdigest()
    return _kept(key, build)


def _kept(key: str, build: Callable[[], Page]) -> Page:
    try:
        found: Page | None = cache.get(key)
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError):  # an entry older code wrote
        found = None
    if found is not None:
        return found
    built = build()
    cache.set(key, built, conf.dashboard_cache_seconds())
    return built
