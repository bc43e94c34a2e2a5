"""Growth: how each workload scales from 100 to 1,000 to 10,000 teams, and what 20 rounds of history cost.

Each size is its own synthetic organization (2 waves, 6 respondents per team and wave, about 30 answers each)
in its own SQLite file under var/growth-<teams>, built once; how long building took is kept beside it and
reported. Per size: the cursor fetch of the answer rows, the full rescore, the dashboards (cold, with the
cache emptied, and warm: the slowest page of each), and the TAG export of the latest wave (seconds and
tracemalloc peak). The exponent of a workload is the slope of log(time) against log(teams), fitted over the
sizes: 1 is linear, 0 constant. The load average of the machine is printed beside each latency.

History depth (at 1,000 teams): 19 earlier revisions of every score are put under the current ones, as 20
rounds of rescoring with changed inputs leave them, and the full rescore and the dashboards are measured again.

Usage: .venv/bin/python bench/growth_bench.py   (GROWTH_SIZES=100,1000,10000 by default)
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from common import ROOT, ensure_org, sample_team, setup_django

SIZES = [int(size) for size in os.environ.get("GROWTH_SIZES", "100,1000,10000").split(",")]
HISTORY_SIZE = int(os.environ.get("GROWTH_HISTORY_SIZE", "1000"))
HISTORY_ROUNDS = 20
WAVES = 2
RUNS = 3
TIMEOUT = int(os.environ.get("GROWTH_TIMEOUT", "2400"))
PAGES = ("overview", "team", "gaps", "trends", "trends for a group", "practices")
EXPORT_TARGET_MB = 150


def load() -> float:
    return round(os.getloadavg()[0], 1)


def _generated(teams: int) -> dict[str, object]:
    """Build the organization if missing, and how long building it took (now, or when it was built)."""
    record = Path(os.environ["DATA_DIR"]) / "generated.json"
    if record.exists():  # written when the organization of this directory was built
        ensure_org(teams, waves=WAVES, quiet=True)
        return {**json.loads(record.read_text()), "now": False}
    started = time.monotonic()
    ensure_org(teams, waves=WAVES, quiet=True)
    figures = {"seconds": round(time.monotonic() - started, 1), "load": load()}
    record.write_text(json.dumps(figures))
    return {**figures, "now": True}


def _pages_timed() -> dict[str, dict[str, float]]:
    from dashboards_bench import pages
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessor.models import Membership, Organization
    from reports.synthetic import ORG_SLUG

    organization = Organization.objects.get(slug=ORG_SLUG)
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=admin, organization=organization, team=None, defaults={"role": Membership.Role.ADMIN})
    client = Client()
    client.force_login(admin)
    team = sample_team(organization)
    wave = organization.survey_waves.order_by("-opens_at").first()
    urls = {name: url for name, url in pages(organization, team, wave).items() if name in PAGES}
    figures = {}
    for name, url in urls.items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold_queries:
            started = time.perf_counter()
            client.get(url)
            cold = (time.perf_counter() - started) * 1000
        warm = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as warm_queries:
                started = time.perf_counter()
                client.get(url)
                warm.append((time.perf_counter() - started) * 1000)
        figures[name] = {
            "cold_ms": round(cold),
            "warm_ms": round(sorted(warm)[len(warm) // 2]),
            "cold_queries": len(cold_queries),
            "warm_queries": len(warm_queries),
        }
    return figures


def _rescore() -> dict[str, float]:
    from scoring_bench import FETCH_SQL, timed_sql

    from reports.models import ScoreSnapshot
    from reports.rescore import scores_recompute

    fetch, rows = timed_sql(FETCH_SQL)
    fetch_load = load()
    ScoreSnapshot.objects.all().delete()
    started = time.perf_counter()
    written = scores_recompute().written
    full = time.perf_counter() - started
    return {
        "answers": rows,
        "fetch_s": round(fetch, 2),
        "fetch_load": fetch_load,
        "rescore_s": round(full, 2),
        "written": written,
        "rescore_load": load(),
    }


def _tag_export() -> dict[str, float]:
    """The latest wave's TAG export as the service builds a release of it (read in team-aligned chunks)."""
    from django.utils import timezone

    from reports.api.exports import min_group_size
    from reports.export.releases import release_draft
    from reports.synthetic import ORG_SLUG
    from surveys.models import Wave

    wave = (
        Wave.objects.filter(organization__slug=ORG_SLUG)
        .select_related("organization", "instrument")
        .order_by("-opens_at")
        .first()
    )
    # Timed untraced (tracemalloc makes this allocation-heavy code several times slower), then traced for its peak.
    started = time.perf_counter()
    release_draft(wave=wave, now=timezone.now(), k=min_group_size(), release_text=True)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    draft = release_draft(wave=wave, now=timezone.now(), k=min_group_size(), release_text=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "export_s": round(elapsed, 2),
        "export_peak_mb": round(peak / 2**20),
        "export_respondents": draft.built.cells["respondents/all"][0],
        "export_load": load(),
    }


def _history() -> dict[str, float]:
    """Put HISTORY_ROUNDS - 1 earlier revisions under every current snapshot, then rescore and read the pages."""
    from datetime import timedelta

    from django.db.models import F, Max

    from reports.models import SNAPSHOT_COLUMNS, ScoreSnapshot
    from reports.rescore import _insert_snapshots, scores_recompute

    rounds = HISTORY_ROUNDS - 1
    if (ScoreSnapshot.objects.aggregate(top=Max("revision"))["top"] or 0) <= 1:
        current = list(ScoreSnapshot.objects.values_list(*SNAPSHOT_COLUMNS))
        ScoreSnapshot.objects.update(revision=F("revision") + rounds)
        at = {name: index for index, name in enumerate(SNAPSHOT_COLUMNS)}
        for earlier in range(1, rounds + 1):
            rows = []
            for row in current:
                old = list(row)
                old[at["revision"]] = earlier
                old[at["inputs_hash"]] = f"history-{earlier}"
                old[at["computed_at"]] = row[at["computed_at"]] - timedelta(days=rounds + 1 - earlier)
                old[at["score"]] = max(1.0, round(row[at["score"]] - 0.02 * (rounds + 1 - earlier), 2))
                rows.append(tuple(old))
            _insert_snapshots(rows)
    snapshots = ScoreSnapshot.objects.count()
    started = time.perf_counter()
    written = scores_recompute().written
    full = time.perf_counter() - started
    return {
        "snapshots": snapshots,
        "rescore_s": round(full, 2),
        "written": written,
        "rescore_load": load(),
        "pages": _pages_timed(),
    }


def measure(teams: int) -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    setup_django()
    figures: dict[str, object] = {"teams": teams, "generated": _generated(teams)}
    figures.update(_rescore())
    figures["pages"] = _pages_timed()
    figures["pages_load"] = load()
    figures.update(_tag_export())
    print("GROWTH " + json.dumps(figures), flush=True)
    if teams == HISTORY_SIZE:
        print("HISTORY " + json.dumps(_history()), flush=True)


def exponent(sizes: list[int], values: list[float]) -> float | None:
    """Least-squares slope of log(value) on log(size)."""
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True) if v and v > 0]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else None


def _slowest(pages: dict[str, dict[str, float]], field: str) -> tuple[str, float]:
    name = max(pages, key=lambda page: pages[page][field])
    return name, pages[name][field]


def report(results: list[dict], history: dict | None) -> None:
    sizes = [int(result["teams"]) for result in results]
    print()
    print("teams  " + "".join(f"{size:>22,}" for size in sizes) + "   exponent")

    def cell(value: float, load_: float | None, unit: str) -> str:
        text = f"{value:,.2f} s" if unit == "s" else f"{value:,.0f} {unit}".rstrip()
        return (text + (f" (load {load_:.0f})" if load_ is not None else "")).rjust(22)

    def row(label: str, values: list[float], loads: list[float] | None = None, unit: str = "s") -> None:
        cells = "".join(cell(value, None if loads is None else loads[n], unit) for n, value in enumerate(values))
        slope = exponent(sizes, values)
        print(f"{label:<7}{cells}   {'' if slope is None else f'{slope:.2f}'}")

    print("Workload rows (value, load average when measured):")
    row("answers", [float(r["answers"]) for r in results], unit="")
    row("gen", [float(r["generated"]["seconds"]) for r in results], [float(r["generated"]["load"]) for r in results])
    row("fetch", [float(r["fetch_s"]) for r in results], [float(r["fetch_load"]) for r in results])
    row("rescore", [float(r["rescore_s"]) for r in results], [float(r["rescore_load"]) for r in results])
    for field, label in (("cold_ms", "cold"), ("warm_ms", "warm")):
        values = [_slowest(r["pages"], field)[1] for r in results]
        row(label, values, [float(r["pages_load"]) for r in results], unit="ms")
    row("tag", [float(r["export_s"]) for r in results], [float(r["export_load"]) for r in results])
    row("tag MB", [float(r["export_peak_mb"]) for r in results], unit="MB")
    print("(gen: building the organization; fetch: cursor fetch of the answer rows; rescore: full rescore;")
    print(" cold/warm: the slowest dashboard page without and with its cache entry; tag: TAG export of a wave)")
    for result in results:
        ratio = float(result["rescore_s"]) / max(float(result["fetch_s"]), 1e-9)
        name, warm = _slowest(result["pages"], "warm_ms")
        counts = {page: (f["cold_queries"], f["warm_queries"]) for page, f in result["pages"].items()}
        print(
            f"{result['teams']:,} teams: RATIO rescore / cursor fetch = {ratio:.2f} (target <= 1.5) "
            f"{'met' if ratio <= 1.5 else 'NOT met'}; slowest warm page {name} {warm:.0f} ms "
            f"(target < 250 ms) {'met' if warm < 250 else 'NOT met'} at load {result['pages_load']:.0f}; "
            f"TAG export peak +{result['export_peak_mb']} MB (target <= {EXPORT_TARGET_MB}) "
            f"{'met' if result['export_peak_mb'] <= EXPORT_TARGET_MB else 'NOT met'}"
        )
        print(f"   queries (cold, warm) per page: {counts}")
    if len(results) > 1:
        first, *rest = [{page: (f["cold_queries"], f["warm_queries"]) for page, f in r["pages"].items()} for r in results]
        same = all(counts == first for counts in rest)
        print(f"RATIO query counts equal at every size = {'yes' if same else 'no'}  {'met' if same else 'NOT met'}")
    if history:
        base = next((r for r in results if r["teams"] == HISTORY_SIZE), None)
        print()
        print(
            f"History depth at {HISTORY_SIZE:,} teams after {HISTORY_ROUNDS} rounds ({history['snapshots']:,} snapshots): "
            f"full rescore {history['rescore_s']:.2f} s (load {history['rescore_load']:.0f}), {history['written']} written"
        )
        for name, figures in history["pages"].items():
            before = base["pages"].get(name) if base else None
            ratio = f", x{figures['cold_ms'] / before['cold_ms']:.2f} of one round" if before and before["cold_ms"] else ""
            queries = f"{figures['cold_queries']}/{figures['warm_queries']}"
            print(f"   {name}: cold {figures['cold_ms']} ms{ratio}, warm {figures['warm_ms']} ms, queries {queries}")
        if base:
            print(f"RATIO rescore after history / one round = {history['rescore_s'] / max(base['rescore_s'], 1e-9):.2f}")


def main() -> int:
    if len(sys.argv) > 1:
        measure(int(sys.argv[1]))
        return 0
    results, history = [], None
    for size in SIZES:
        env = {**os.environ, "DATA_DIR": str(ROOT / "var" / f"growth-{size}")}
        env.pop("DATABASE_URL", None)
        try:
            done = subprocess.run(
                [sys.executable, __file__, str(size)], env=env, text=True, capture_output=True, check=False, timeout=TIMEOUT
            )
        except subprocess.TimeoutExpired:
            print(f"{size:,} teams: not finished within {TIMEOUT} s (load {load():.0f})")
            continue
        for line in done.stdout.splitlines():
            if line.startswith("GROWTH "):
                results.append(json.loads(line.removeprefix("GROWTH ")))
                generated = results[-1]["generated"]
                when = "now" if generated["now"] else "earlier"
                print(f"{size:,} teams measured (built {when} in {generated['seconds']} s at load {generated['load']})")
            elif line.startswith("HISTORY "):
                history = json.loads(line.removeprefix("HISTORY "))
        if done.returncode != 0:
            print(f"{size:,} teams failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    if results:
        report(results, history)
    return 0


if __name__ == "__main__":
    sys.exit(main())
