"""Run every benchmark workload in turn and print its figures, with the machine they ran on.

Usage: .venv/bin/python bench/run.py [--teams N] [--only NAME ...]
Each workload is a script in bench/ that prints its own figures as ratios measured in the same run;
it reads the organization size from the BENCH_TEAMS environment variable.
A workload whose script or feature is missing is listed as not run, with the reason.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

WORKLOADS = [
    ("scoring", "scoring_bench.py", "full and incremental rescore against the raw-read floor and a per-object ORM loop"),
    ("dashboards", "dashboards_bench.py", "server time and query count per dashboard page"),
    ("export", "export_bench.py", "export throughput and peak memory growth"),
    ("submission", "submission_bench.py", "survey submission: 50 users with think time; a closed loop beside one worker"),
    ("collectors", "collectors_bench.py", "local git scan of a 20,000-commit repository; GitHub API calls cold and warm"),
    ("growth", "growth_bench.py", "rescore, dashboards and TAG export at 100, 1,000 and 10,000 teams; 20 rounds of history"),
]


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.0f} GiB"
    return f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}; {platform.platform()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--timeout", type=int, default=1200, help="Seconds allowed per workload (growth: three times that).")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print(f"Database: {os.environ.get('DATABASE_URL') or 'SQLite (embedded default)'}")
    print(f"Load average at start: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    print()
    started = time.monotonic()
    for name, script, what in WORKLOADS:
        if args.only and name not in args.only:
            continue
        print(f"== {name}: {what}")
        path = HERE / script
        if not path.exists():
            print(f"   not run: {script} does not exist yet")
            print()
            continue
        try:
            result = subprocess.run(
                [sys.executable, str(path)],
                cwd=ROOT,
                env={**os.environ, "BENCH_TEAMS": str(args.teams)},
                text=True,
                capture_output=True,
                timeout=args.timeout * (3 if name == "growth" else 1),
            )
        except subprocess.TimeoutExpired:
            print(f"   not finished: over {args.timeout} s")
            print()
            continue
        for line in result.stdout.splitlines():
            print(f"   {line}")
        print(f"   (finished at load average {os.getloadavg()[0]:.1f})")
        if result.returncode != 0:
            tail = "\n".join(result.stderr.strip().splitlines()[-8:])
            print(f"   failed (exit {result.returncode}):\n{tail}")
        print()
    print(f"All workloads took {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
