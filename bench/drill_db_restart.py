"""Drill: restart PostgreSQL in the middle of survey submissions and count what was lost or duplicated.

Twenty clients submit surveys through the API on gunicorn. Each retries a request that failed (a 5xx or a
dropped connection) the way a careful client does, and on a 409 reloads the survey and carries on from the
current version. Two seconds in, PostgreSQL is restarted, dropping every connection. Afterwards every link
must have exactly one submitted response holding every answer its client sent.

Usage: .venv/bin/python bench/drill_db_restart.py   (needs Debian's postgresql; starts its own server)
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgtemp import free_port, temp_postgres
from submission_bench import answers_for, count_lost, prepare, start_server

CLIENTS = 20
RETRY_FOR_SECONDS = 60


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: dict[str, int] = {}
        self.sent: dict[str, int] = {}

    def failed(self, what: str) -> None:
        with self.lock:
            self.failures[what] = self.failures.get(what, 0) + 1


def with_retries(call, stats: Stats, what: str) -> requests.Response:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + RETRY_FOR_SECONDS
    while True:
        try:
            response = call()
            if response.status_code < 500:
                return response
            stats.failed(f"{what} {response.status_code}")
        except requests.RequestException as exc:
            stats.failed(f"{what} {type(exc).__name__}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} kept failing for {RETRY_FOR_SECONDS} s")
        time.sleep(0.2)


def submit_one(base: str, token: str, rnd: random.Random, stats: Stats) -> None:
    session = requests.Session()
    url = f"{base}/api/v1/responses/{token}/"
    form = with_retries(lambda: session.get(url, timeout=10), stats, "load").json()
    answers = answers_for(form["questions"], rnd)
    version = form["version"]
    while True:
        body = {"version": version, "answers": answers}
        saved = with_retries(lambda body=body: session.put(url, json=body, timeout=10), stats, "save")
        if saved.status_code == 409:  # an earlier attempt did go through: carry on from the current version
            version = with_retries(lambda: session.get(url, timeout=10), stats, "reload").json()["version"]
            continue
        version = saved.json()["version"]
        break
    while True:
        body = {"version": version}
        submitted = with_retries(lambda body=body: session.post(f"{url}submit/", json=body, timeout=10), stats, "submit")
        if submitted.status_code == 409:
            version = with_retries(lambda: session.get(url, timeout=10), stats, "reload").json()["version"]
            continue
        break
    with stats.lock:
        stats.sent[token] = len(answers)


def main() -> None:
    try:
        context = temp_postgres()
        server_pg = context.__enter__()
    except (RuntimeError, OSError) as exc:
        print(f"not run: {exc}")
        return
    try:
        tokens = prepare(server_pg.url)[:200]
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": server_pg.url,
            "SECRET_KEY": "drill-only-not-a-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "LOG_LEVEL": "CRITICAL",
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
        web = start_server(env, port)
        stats = Stats()
        base = f"http://127.0.0.1:{port}"
        rnd = random.Random(7)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(submit_one, base, token, random.Random(rnd.random()), stats) for token in tokens]
            time.sleep(2)
            down = time.monotonic()
            server_pg.restart()
            restart_seconds = time.monotonic() - down
        crashed = [future.exception() for future in futures if future.exception() is not None]
        elapsed = time.monotonic() - started
        web.terminate()
        web.wait(timeout=30)

        from django.db import connections

        from surveys.models import Invitation, Response

        connections.close_all()  # this process's own connection died with the restart

        lost_responses, lost_answers = count_lost(stats.sent)
        invitation_ids = [Invitation.objects.by_token(token).values_list("pk", flat=True).first() for token in stats.sent]
        responses = Response.objects.filter(invitation_id__in=invitation_ids).count()
        print(f"{len(tokens)} submissions by {CLIENTS} clients in {elapsed:.1f} s")
        print(f"PostgreSQL restarted 2 s in, every connection dropped, {restart_seconds:.1f} s down")
        print(f"failed requests retried by the clients: {sum(stats.failures.values())} {dict(sorted(stats.failures.items()))}")
        print(f"clients that gave up: {len(crashed)} {[repr(c) for c in crashed[:2]]}")
        print(f"completed: {len(stats.sent)}; responses stored for them: {responses}")
        print(f"lost: {lost_responses} responses, {lost_answers} answers")
        held = not crashed and lost_answers == 0 and lost_responses == 0 and responses == len(stats.sent) == len(tokens)
        print(f"RESULT {'held' if held else 'FAILED'}: no answer lost, no duplicate response")
    finally:
        context.__exit__(None, None, None)


if __name__ == "__main__":
    main()
