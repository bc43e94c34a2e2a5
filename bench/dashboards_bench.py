"""Server time and query count per dashboard page, for an organization of 100 teams and of BENCH_TEAMS teams.

Target (design): every dashboard page, the practices page included, renders in under 250 ms of server time
on this machine, with a constant number of SQL queries whatever the number of teams. Each page is requested
through Django's test client (the whole request: middleware, access checks, frames, charts, templates) by
an admin of the synthetic organization. Pages are cached under what they are derived from
(`reports.dashboards.cache`), so each is measured twice: cold (the cache emptied first: the first visit
after new scores or answers) and warm (RUNS visits after it; the median is reported, the target applies).
The load average of the machine is printed beside each size.

On SQLite the 100-team organization lives in its own data directory so the big one is kept for the other
workloads; on PostgreSQL the sizes run one after the other in the same database, the big one last.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, bench_teams, ensure_org, sample_team, setup_django

RUNS = 5
TARGET_MS = 250
SMALL = 100


def pages(organization, team, wave) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    org = f"?org={organization.slug}"
    return {
        "overview": reverse("reports:overview") + org,
        "team": reverse("reports:team", args=[team.pk]),
        "gaps": reverse("reports:gaps") + org,
        "trends": reverse("reports:trends") + org,
        "trends + benchmark": reverse("reports:trends") + org + "&benchmark=1",
        "trends for a group": reverse("reports:trends") + org + f"&scope=group&key={team.group_id}",
        "practices": reverse("reports:practices") + org,
        "delivery": reverse("reports:delivery") + org,
        "wave report (HTML export)": reverse("reports:wave_export_html", args=[wave.pk]),
    }


def measure(teams: int, waves: int = 8) -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import get_commands
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessor.models import Membership
    from reports.models import ScoreSnapshot
    from reports.rescore import scores_recompute

    if "generate_org" not in get_commands():
        print("not run: generate_org missing")
        return
    organization = ensure_org(teams, waves=waves, quiet=True)
    if not ScoreSnapshot.objects.filter(team__organization=organization).exists():
        started = time.perf_counter()
        written = scores_recompute().written
        print(f"scores_recompute (the dashboards read scores): {written} snapshots in {time.perf_counter() - started:.1f} s")
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=admin, organization=organization, team=None, defaults={"role": Membership.Role.ADMIN})
    team = sample_team(organization)
    wave = organization.survey_waves.order_by("-opens_at").first()
    wave_count = organization.survey_waves.count()
    client = Client()
    client.force_login(admin)
    print(f"{teams} teams, {wave_count} waves (load average {os.getloadavg()[0]:.1f}):")
    print(f"  {'page':<28}{'cold ms':>9}{'queries':>9}{'warm ms':>9}{'max ms':>8}{'queries':>9}  target")
    counts: dict[str, list[int]] = {}
    for name, url in pages(organization, team, wave).items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold_queries:
            started = time.perf_counter()
            response = client.get(url)
            cold = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            print(f"  {name:<28} failed: HTTP {response.status_code}")
            continue
        times = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        verdict = "met" if median < TARGET_MS else f"NOT met (over {TARGET_MS} ms)"
        if name.endswith("export)"):
            verdict = "(a download, not a page; not cached)"
        counts[name] = [len(cold_queries), len(queries)]
        print(f"  {name:<28}{cold:>9.0f}{len(cold_queries):>9}{median:>9.0f}{max(times):>8.0f}{len(queries):>9}  {verdict}")
    print("COUNTS " + json.dumps(counts))


def main() -> int:
    if len(sys.argv) > 1:
        measure(int(sys.argv[1]), *(int(arg) for arg in sys.argv[2:3]))
        return 0
    big = bench_teams()
    sizes = [SMALL, big] if big != SMALL else [big]
    counts: dict[int, dict[str, list[int]]] = {}
    for size in sizes:
        env = dict(os.environ)
        if size != big and not env.get("DATABASE_URL"):
            env["DATA_DIR"] = str(Path(env.get("DATA_DIR", ROOT / "var" / "bench")).parent / f"bench-{size}")
        result = subprocess.run([sys.executable, __file__, str(size)], env=env, text=True, capture_output=True, check=False)
        for line in result.stdout.splitlines():
            if line.startswith("COUNTS "):
                counts[size] = json.loads(line.removeprefix("COUNTS "))
            else:
                print(line)
        if result.returncode != 0:
            sys.stdout.write(f"failed at {size} teams (exit {result.returncode}):\n{result.stderr[-2000:]}\n")
            return result.returncode
        if "not run:" in result.stdout:
            return 0
    if len(counts) == 2:
        small, large = (counts[size] for size in sizes)
        same = [name for name in small if small[name] == large.get(name)]
        print(
            f"RATIO pages with equal query counts at {sizes[0]} and {sizes[1]} teams (cold and warm) = "
            f"{len(same)}/{len(small)}  {'met' if len(same) == len(small) else 'NOT met'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
