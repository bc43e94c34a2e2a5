"""Deployment checks of the service's own: limits that only hold when every process shares one cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# Backends whose counters are not shared between processes, or not incremented atomically.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps its counts in each process",
    "django.core.cache.backends.dummy.DummyCache": "keeps nothing",
    "django.core.cache.backends.filebased.FileBasedCache": "does not count atomically",
    "django.core.cache.backends.db.DatabaseCache": "does not count atomically",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    reason = UNSHARED_CACHES.get(backend)
    if settings.DEBUG or reason is None:
        return []
    return [
        checks.Warning(
            f"The cache ({backend}) {reason}, so sign-in and password-reset limits are not enforced across processes.",
            hint="Set CACHE_URL=redis://HOST:6379/1 so every web process shares one cache.",
            id="assessor.W001",
        )
    ]
