"""Export benchmark: answers streamed as CSV and JSON (rows per second, peak memory growth) and the TAG
export of one wave, for the synthetic organization made by `manage.py generate_org`.

Usage: BENCH_TEAMS=1000 .venv/bin/python bench/export_bench.py   (bench/run.py sets BENCH_TEAMS)
Data lives in the benchmark database (see bench/common.py), never in the development one.
The answers go through the API view itself (`/api/v1/export/answers/`) as a superuser would call it,
and the streamed body is read to the end and thrown away. Memory is the process's resident set,
sampled every 10 ms while the export runs; growth is its peak minus its size just before.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import tracemalloc
from types import SimpleNamespace

from common import bench_teams, ensure_org, setup_django

PAGE = os.sysconf("SC_PAGE_SIZE")
TAG_TARGET_MB = 150  # the anonymized export of one wave, whatever its size (issue target at 10,000 teams)


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """Samples the resident set in a thread; `growth` is the peak above the size at start."""

    def __enter__(self) -> PeakMemory:
        self.start = self.peak = resident_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, resident_bytes())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, resident_bytes())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def synthetic_org(teams: int) -> object | None:
    """The synthetic organization of this size (built when missing), or None when generate_org does not exist."""
    from django.core.management import get_commands

    if "generate_org" not in get_commands():
        print("not run: generate_org missing")
        return None
    return ensure_org(teams)


def stream_answers(export_format: str) -> tuple[int, int, float, float]:
    """Rows, bytes, seconds and peak memory growth (MB) of one full answers export through the API view."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    from reports.api.exports import AnswerExport

    superuser = SimpleNamespace(is_authenticated=True, is_superuser=True, is_active=True, pk=None)
    request = APIRequestFactory().get("/api/v1/export/answers/", {"format": export_format})
    force_authenticate(request, user=superuser)
    rows = size = 0
    with PeakMemory() as memory:
        started = time.perf_counter()
        response = AnswerExport.as_view()(request)
        for piece in response.streaming_content:
            size += len(piece)
            rows += piece.count(b"\n") if export_format == "csv" else piece.count(b'{"answer_id"')
        elapsed = time.perf_counter() - started
    if export_format == "csv":
        rows -= 1  # the header
    return rows, size, elapsed, memory.growth_mb


def tag_export() -> None:
    """The TAG export of the largest closed wave as the service builds a release of it (`release_draft`:
    known names, the wave counted in team-aligned chunks with its texts and inputs hash, the document)."""
    from django.db.models import Count
    from django.utils import timezone

    from reports.api.exports import min_group_size
    from reports.export.releases import release_draft
    from surveys.models import Wave

    now = timezone.now()
    wave = (
        Wave.objects.filter(closes_at__lte=now)
        .annotate(responses_count=Count("responses"))
        .select_related("organization", "instrument")
        .order_by("-responses_count", "-closes_at")
        .first()
    )
    if wave is None:
        print("TAG export: not run: no closed wave")
        return
    with PeakMemory() as memory:
        started = time.perf_counter()
        draft = release_draft(wave=wave, now=now, k=min_group_size(), release_text=True)
        elapsed = time.perf_counter() - started
    respondents = draft.built.cells["respondents/all"][0]
    del draft
    tracemalloc.start()  # again, traced: Python's own allocations, whatever the allocator keeps of earlier runs
    release_draft(wave=wave, now=now, k=min_group_size(), release_text=True)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_mb = traced / 2**20
    print(
        f"TAG export of the largest closed wave: {respondents:,} respondents; {elapsed:.2f} s; "
        f"resident set growth {memory.growth_mb:.0f} MB; tracemalloc peak {traced_mb:.0f} MB"
    )
    verdict = "met" if traced_mb <= TAG_TARGET_MB else "NOT met"
    print(f"RATIO TAG export tracemalloc peak / {TAG_TARGET_MB} MB = {traced_mb / TAG_TARGET_MB:.2f}  {verdict}")


def main() -> int:
    setup_django()
    if synthetic_org(bench_teams()) is None:
        return 0
    for export_format in ("csv", "json"):
        rows, size, elapsed, growth = stream_answers(export_format)
        rate = rows / elapsed if elapsed else 0.0
        print(
            f"answers export ({export_format.upper()}): {rows:,} rows, {size / 2**20:,.0f} MB in {elapsed:.1f} s = "
            f"{rate:,.0f} rows/s; peak memory growth {growth:.0f} MB (target: well under 100 MB)"
        )
    tag_export()
    return 0


if __name__ == "__main__":
    sys.exit(main())
