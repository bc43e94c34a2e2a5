"""Page weight of the dashboard: the bytes of plotly.js (raw and gzipped) and its first load in headless Chromium.

Sets up the demo the way `make run` does (DEBUG=1, collectstatic, the demo, the admin) in its own DATA_DIR, serves it
with `manage.py runserver` (WhiteNoise serving the static files), and opens the dashboard as the admin, in a fresh
browser (nothing cached), then again (cached), then in a fresh browser with the full plotly.js put in place of the
partial bundle (the parse and run cost of the full bundle; served from memory, so without its transfer).

    .venv/bin/python bench/page_weight.py            # prints a Markdown table for BENCHMARKS.md
"""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
BUNDLE = ROOT / "static" / "vendor" / "plotly" / "plotly-charts.min.js"
DRAWN = """() => {
  const boxes = document.querySelectorAll('[data-figure]');
  return boxes.length > 0 && document.querySelectorAll('.js-plotly-plot').length === boxes.length;
}"""
TIMING = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const plotly = performance.getEntriesByType('resource').find(e => e.name.includes('/plotly'));
  return {drawn: performance.now(), load: nav.loadEventEnd, bytes: plotly ? plotly.transferSize : null,
          encoded: plotly ? plotly.encodedBodySize : null, decoded: plotly ? plotly.decodedBodySize : null};
}"""


def full_plotly() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def sizes(path: Path) -> tuple[int, int]:
    raw = path.read_bytes()
    return len(raw), len(gzip.compress(raw, compresslevel=9))


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The server at {url} did not answer within {timeout:.0f} s.")


def visit(page: Any, url: str) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_function(DRAWN)
    timing: dict[str, Any] = page.evaluate(TIMING)
    return timing


RUNS = (("partial bundle, nothing cached", False), ("full plotly.js in its place", True))


def serve_full_plotly(route: Any) -> None:
    route.fulfill(body=full_plotly().read_bytes(), content_type="text/javascript")


def measure(base: str, password: str) -> list[tuple[str, dict[str, Any]]]:
    from playwright.sync_api import sync_playwright

    dashboard = f"{base}/dashboard/?org=northwind"
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        runs = (("warm-up: the server's first request loads its caches", False), *RUNS)
        for label, swap in runs:
            context = browser.new_context()
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(f"{base}/accounts/login/")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            if swap:
                page.route("**/vendor/plotly/*.js", serve_full_plotly)
            results.append((label, visit(page, dashboard)))
            if label == RUNS[0][0]:
                results.append(("partial bundle, cached (second visit)", visit(page, dashboard)))
            context.close()
        browser.close()
    return results[1:]


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="page-weight-"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATA_DIR": str(data),
        "STATIC_ROOT": str(data / "static"),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "LOG_LEVEL": "WARNING",
    }
    for command in (["migrate", "--no-input"], ["load_model"], ["load_instrument"], ["seed_demo"], ["ensure_admin"]):
        manage(env, *command)
    collect_seconds = []
    for _ in range(2):  # the first compresses everything, the second only what changed (nothing)
        started = time.monotonic()
        manage(env, "collectstatic", "--no-input")
        collect_seconds.append(time.monotonic() - started)
    password = (data / "admin-password.txt").read_text().strip()
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/accounts/login/")
        results = measure(base, password)
    finally:
        server.terminate()
        server.wait(timeout=15)
    print("| plotly.js | raw bytes | gzip -9 bytes |")
    print("|---|---:|---:|")
    for name, path in (("full (plotly package)", full_plotly()), ("partial bundle (static/vendor/plotly)", BUNDLE)):
        raw, zipped = sizes(path)
        print(f"| {name} | {raw:,} | {zipped:,} |")
    print()
    print("| dashboard visit | charts drawn after | load event | plotly bytes transferred |")
    print("|---|---:|---:|---:|")
    for label, timing in results:
        transferred = "from memory" if timing["bytes"] == 0 and "full" in label else f"{timing['bytes']:,}"
        print(f"| {label} | {timing['drawn']:.0f} ms | {timing['load']:.0f} ms | {transferred} |")
    first, second = collect_seconds
    print(f"\ncollectstatic: {first:.1f} s the first time, {second:.1f} s again with nothing changed")


if __name__ == "__main__":
    main()
