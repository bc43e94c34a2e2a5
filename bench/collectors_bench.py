"""Collector benchmarks: a local scan of a generated 20,000-commit repository, GitHub API calls cold and warm, and
Kubernetes memory (bench/collectors_kubernetes.py).

Run: .venv/bin/python bench/collectors_bench.py   (no network; the GitHub figures come from a local fake)
Targets: local scan under 2 s; at most 20 API calls per repository cold; no rate-limit cost warm.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from github import Auth  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

from collectors.git import collect_local  # noqa: E402
from collectors.github import GitHubClient, collect_github  # noqa: E402
from tests.collectors.fake_github import FakeGitHub  # noqa: E402

COMMITS = 20_000
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
TREE = [
    *(f"services/svc{i % 40}/src/module{i}.py" for i in range(400)),
    *(f"infra/terraform/env{i % 4}/main{i}.tf" for i in range(40)),
    *(f"deploy/k8s/app{i}.yaml" for i in range(60)),
    ".github/workflows/ci.yml",
    ".github/workflows/deploy.yml",
    "CODEOWNERS",
    "catalog-info.yaml",
    "renovate.json",
]


def _manifest(path: str) -> str:
    if path.endswith(".yaml") and "k8s" in path:
        return f"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {Path(path).stem}\n"
    if path == "CODEOWNERS":
        return "* @acme/platform\n"
    if path == "catalog-info.yaml":
        return "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\nspec: {owner: group:platform}\n"
    return f"# {path}\n"


def build_big_repository(path: Path) -> None:
    """20,000 commits by 60 authors over three years, one or two files each, written by one `git fast-import`."""
    start = NOW - timedelta(days=3 * 365)
    step = (NOW - start) / COMMITS
    parts = []
    for mark in range(1, COMMITS + 1):
        author = f"dev{mark % 60}"
        stamp = int((start + step * mark).timestamp())
        message = f"Change {mark}".encode()
        files = TREE if mark == 1 else [TREE[mark % len(TREE)], TREE[(mark * 7) % len(TREE)]]
        record = [f"commit refs/heads/main\nmark :{mark}\n".encode()]
        signature = f"{author} <{author}@acme.example> {stamp} +0000"
        record.append(f"author {signature}\ncommitter {signature}\n".encode())
        record.append(b"data %d\n%s\n" % (len(message), message))
        if mark > 1:
            record.append(f"from :{mark - 1}\n".encode())
        for name in files:
            content = (_manifest(name) + f"# revision {mark}\n").encode()
            record.append(f"M 100644 inline {name}\n".encode() + b"data %d\n%s\n" % (len(content), content))
        parts.append(b"".join(record))
    env = {"PATH": os.environ["PATH"], "HOME": str(path), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True, env=env)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=b"".join(parts), check=True, env=env)
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/main"], cwd=path, check=True, env=env)


def local_scan_benchmark() -> bool:
    with tempfile.TemporaryDirectory(prefix="collectors-bench-") as tmp:
        path = Path(tmp) / "big.git"
        started = time.perf_counter()
        build_big_repository(path)
        print(f"local git: generated a {COMMITS:,}-commit bare repository in {time.perf_counter() - started:.1f} s")
        members = [f"dev{i}@acme.example" for i in range(40)]
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            outcome = collect_local(path, now=NOW, member_emails=members)
            timings.append(time.perf_counter() - started)
        values = {s.key: s.value for s in outcome.signals}
        best = min(timings)
        ok = best < 2.0 and outcome.error is None
        print(
            f"local git: scan of {COMMITS:,} commits, {len(TREE)} files: best {best:.2f} s of {len(timings)} "
            f"(runs {', '.join(f'{t:.2f}' for t in timings)}), {len(outcome.signals)} signals, "
            f"outside share {values.get('history.outside_share')} -> {'OK' if ok else 'TOO SLOW'} (target < 2 s)"
        )
        return ok


def github_calls_benchmark() -> bool:
    server = HTTPServer()
    server.start()
    try:
        fake = FakeGitHub()
        url = fake.install(server)

        def client() -> GitHubClient:
            return GitHubClient(base_url=url, auth=Auth.Token("bench"), timeout=5, max_wait=0)

        options = {"now": NOW, "platform_repo": True, "consumer_logins": ["emma", "noah"]}
        cold = collect_github("northwind/platform-config", client=client(), **options)
        cold_points = fake.points_used
        warm = collect_github("northwind/platform-config", client=client(), state=cold.state, **options)
        warm_points = fake.points_used - cold_points
        fake.set_head("f" * 40)
        moved = collect_github("northwind/platform-config", client=client(), state=cold.state, **options)
        moved_points = fake.points_used - cold_points - warm_points
    finally:
        server.clear()
        server.stop()
    ok = cold.api_calls <= 20 and warm_points == 0 and warm.unchanged
    print(f"github: cold run {cold.api_calls} API calls ({cold_points} rate-limit points), {len(cold.signals)} signals")
    print(f"github: warm run, repository unchanged: {warm.api_calls} API call(s), {warm_points} rate-limit points (HTTP 304)")
    print(f"github: warm run after a push: {moved.api_calls} API calls, {moved_points} rate-limit points")
    print(f"github: {'OK' if ok else 'OVER BUDGET'} (targets: cold <= 20 calls, warm 0 points)")
    return ok


if __name__ == "__main__":
    from bench.collectors_kubernetes import kubernetes_memory_benchmark

    results = [local_scan_benchmark(), github_calls_benchmark(), kubernetes_memory_benchmark()]
    sys.exit(0 if all(results) else 1)
