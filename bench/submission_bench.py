"""Survey submission against gunicorn: 50 concurrent users with think time, then a closed loop beside a worker.

Each virtual user takes invitation links in turn and, like the form does, loads the survey, saves its
answers as a draft, then submits. Afterwards the database is checked: every response must be submitted
with every answer it was sent.

1. People: 50 users pausing 0.5-1.5 s between requests, as a person filling in a form does.
   Target (design): no error, no lost answer, p95 under 150 ms.
2. Closed loop: CLOSED_CLIENTS clients with no pause at all, bounded by CLOSED_SECONDS and CLOSED_MAX
   submissions, with one Celery worker running beside the web tier and rescoring what the submissions mark
   (coalesced: one pending row per team and wave). The pending queue is sampled while the load runs and
   watched until it is empty after. Targets: at least 45 submissions/s, the queue bounded during the load
   (never above the number of (team, wave) pairs), empty within 10 s after the load stops, 0 errors,
   0 lost answers.

On PostgreSQL and Redis when this machine has them (bench/pgtemp.py), else on SQLite with the embedded broker.
"""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
USERS = 50
INVITATIONS = int(os.environ.get("BENCH_SUBMISSION_LINKS", "400"))  # fewer for a quick check of the bench itself
THINK_SECONDS = (0.5, 1.5)  # a person reading and answering between two saves
TEAMS = 20
CLOSED_CLIENTS = 20
CLOSED_SECONDS = float(os.environ.get("BENCH_CLOSED_SECONDS", "30"))
CLOSED_MAX = 2400  # invitation links prepared for the closed loop: it stops when they run out
CLOSED_TEAMS = 200
CLOSED_TARGET_RATE = 45.0
DRAIN_TARGET_SECONDS = 10.0


def setup(database_url: str | None) -> None:
    """Django on this database (the benchmark SQLite file when None), migrated, with the model and instrument."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_model", verbosity=0)
    call_command("load_instrument", verbosity=0)


def prepare(*, slug: str, teams: int, invitations: int) -> list[str]:
    """Open a fresh wave for `teams` teams of the organization `slug`, with invitation links spread over them."""
    from django.utils import timezone

    from assessor.models import Organization, Team
    from surveys.models import Instrument, Invitation, Wave

    organization, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": f"Load test {slug}"})
    Wave.objects.filter(organization=organization).delete()
    existing = set(Team.objects.filter(organization=organization).values_list("slug", flat=True))
    Team.objects.bulk_create(
        [
            Team(organization=organization, slug=f"team-{n}", name=f"Team {n}", kind="application")
            for n in range(teams)
            if f"team-{n}" not in existing
        ]
    )
    rows = list(Team.objects.filter(organization=organization).order_by("pk")[:teams])
    now = timezone.now()
    wave = Wave.objects.create(
        organization=organization,
        instrument=Instrument.objects.order_by("-version").first(),
        name=f"Load {now:%H%M%S}",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    wave.teams.set(rows)
    links = [Invitation.issue(wave=wave, team=rows[n % len(rows)], role="app_developer") for n in range(invitations)]
    Invitation.objects.bulk_create(links, batch_size=1000)
    return [link.token() for link in links]


def answers_for(questions: list[dict], rnd: random.Random) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in questions:
        if question["qtype"] == "single_choice" and question.get("options"):
            answers[question["key"]] = rnd.choice(question["options"])["value"]
        elif question["qtype"] == "target_level":
            answers[question["key"]] = rnd.randint(1, 4)
    return answers


def run_user(
    base: str,
    tokens: list[str],
    latencies: list[float],
    errors: list[str],
    sent: dict[str, int],
    lock: threading.Lock,
    *,
    think: tuple[float, float] = THINK_SECONDS,
    until: float | None = None,
) -> None:
    session = requests.Session()
    rnd = random.Random(hash(tokens[0]))
    for token in tokens:
        if until is not None and time.monotonic() >= until:
            return
        try:
            started = time.perf_counter()
            form = session.get(f"{base}/api/v1/responses/{token}/", timeout=30)
            latencies.append(time.perf_counter() - started)
            if form.status_code != 200:
                errors.append(f"GET {form.status_code}")
                continue
            body = form.json()
            answers = answers_for(body["questions"], rnd)
            time.sleep(rnd.uniform(*think))
            started = time.perf_counter()
            saved = session.put(
                f"{base}/api/v1/responses/{token}/", json={"version": body["version"], "answers": answers}, timeout=30
            )
            latencies.append(time.perf_counter() - started)
            if saved.status_code != 200:
                errors.append(f"PUT {saved.status_code} {saved.text[:120]}")
                continue
            time.sleep(rnd.uniform(*think))
            started = time.perf_counter()
            submitted = session.post(
                f"{base}/api/v1/responses/{token}/submit/", json={"version": saved.json()["version"]}, timeout=30
            )
            latencies.append(time.perf_counter() - started)
            if submitted.status_code != 200 or submitted.json().get("status") != "submitted":
                errors.append(f"submit {submitted.status_code} {submitted.text[:120]}")
                continue
            with lock:
                sent[token] = len(answers)
        except requests.RequestException as exc:
            errors.append(type(exc).__name__)


def count_lost(sent: dict[str, int]) -> tuple[int, int]:
    """(responses not submitted or missing answers, answers missing) for the links that were sent."""
    from surveys.models import Invitation

    lost_responses = lost_answers = 0
    by_hash = {
        Invitation.objects.model.objects.by_token(token).values_list("pk", flat=True).first(): n for token, n in sent.items()
    }
    for invitation in Invitation.objects.filter(pk__in=list(by_hash)).select_related("response"):
        response = getattr(invitation, "response", None)
        stored = response.answers.count() if response else 0
        if response is None or response.status != "submitted" or stored < by_hash[invitation.pk]:
            lost_responses += 1
            lost_answers += by_hash[invitation.pk] - stored
    return lost_responses, lost_answers


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """gunicorn with the application loaded once before the workers fork (`--preload`): without it each worker
    builds its middleware on its first request, which takes a minute on a busy machine."""
    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "assessor.wsgi",
            "--preload",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/model/", timeout=30).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.5)
    for _ in range(2 * workers):  # every worker has served a request before the clock starts
        requests.get(f"http://127.0.0.1:{port}/model/", timeout=60)
    return server


def server_env(database_url: str | None, broker: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **({"DATABASE_URL": database_url} if database_url else {}),
        **({"CELERY_BROKER_URL": broker} if broker else {}),
    }
    env.setdefault("DATA_DIR", os.environ["DATA_DIR"])
    return env


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """One Celery worker process (one task at a time), as the at-scale set-up runs beside the web tier."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "assessor", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def load(base: str, tokens: list[str], users: int, **options: object) -> tuple[list[float], list[str], dict[str, int], float]:
    """Run `users` virtual users over the links; latencies, errors, links submitted, seconds."""
    latencies: list[float] = []
    errors: list[str] = []
    sent: dict[str, int] = {}
    lock = threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as pool:
        futures = [
            pool.submit(run_user, base, tokens[n::users], latencies, errors, sent, lock, **options)  # type: ignore[arg-type]
            for n in range(users)
        ]
    errors.extend(f"client failure: {future.exception()!r}" for future in futures if future.exception() is not None)
    return latencies, errors, sent, time.perf_counter() - started


def people(base: str, where: str) -> None:
    tokens = prepare(slug="load", teams=TEAMS, invitations=INVITATIONS)
    latencies, errors, sent, elapsed = load(base, tokens, USERS)
    lost_responses, lost_answers = count_lost(sent)
    ordered = sorted(latencies) or [0.0]
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000
    print(f"{USERS} concurrent users with think time on {where}: {len(sent)} submissions in {elapsed:.1f} s")
    print(f"requests: {len(latencies)}, errors: {len(errors)} {sorted(set(errors))[:3]}")
    print(f"lost: {lost_responses} responses, {lost_answers} answers (counted in the database afterwards)")
    print(f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    met = not errors and lost_answers == 0 and lost_responses == 0 and p95 < 150
    verdict = "met" if met else "NOT met"
    print(f"RATIO p95 / 150 ms target = {p95 / 150:.2f}  errors {len(errors)}, lost {lost_answers}  {verdict}")


class QueueSampler:
    """Counts pending rescores every half second in a thread; `peak` is the largest count seen."""

    def __init__(self) -> None:
        self.peak = 0
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from django.db import connection

        from assessor.models import PendingRescore

        try:
            while not self._stop.wait(0.5):
                pending = PendingRescore.objects.count()
                self.samples.append(pending)
                self.peak = max(self.peak, pending)
        finally:
            connection.close()

    def __enter__(self) -> QueueSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def seconds_to_empty(limit: float = 120.0) -> float | None:
    """Seconds until no rescore is pending (None if still not empty after `limit`)."""
    from assessor.models import PendingRescore

    started = time.monotonic()
    while time.monotonic() - started < limit:
        if not PendingRescore.objects.exists():
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def closed_loop(base: str, where: str) -> None:
    from assessor.models import PendingRescore
    from reports.models import ScoreSnapshot

    tokens = prepare(slug="closed-loop", teams=CLOSED_TEAMS, invitations=CLOSED_MAX)
    PendingRescore.objects.all().delete()
    snapshots_before = ScoreSnapshot.objects.count()
    with QueueSampler() as queue:
        latencies, errors, sent, elapsed = load(
            base, tokens, CLOSED_CLIENTS, think=(0.0, 0.0), until=time.monotonic() + CLOSED_SECONDS
        )
    drained = seconds_to_empty()
    lost_responses, lost_answers = count_lost(sent)
    rate = len(sent) / elapsed if elapsed else 0.0
    ordered = sorted(latencies) or [0.0]
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000
    written = ScoreSnapshot.objects.count() - snapshots_before
    print()
    print(f"closed loop, {CLOSED_CLIENTS} clients without think time, one worker beside the web tier, on {where}:")
    print(
        f"{len(sent)} submissions ({len(latencies)} requests) in {elapsed:.1f} s = {rate:.1f} submissions/s; "
        f"p95 {p95:.0f} ms; {written} snapshots written"
    )
    print(
        f"pending rescores while loaded: peak {queue.peak}, last {queue.samples[-1] if queue.samples else 0} "
        f"(at most one per team and wave: {CLOSED_TEAMS} pairs)"
    )
    print(f"errors: {len(errors)} {sorted(set(errors))[:3]}; lost: {lost_responses} responses, {lost_answers} answers")
    ratio = rate / CLOSED_TARGET_RATE
    print(f"RATIO submissions/s / {CLOSED_TARGET_RATE:.0f} target = {ratio:.2f}  {_met(ratio >= 1)}")
    bounded = queue.peak <= CLOSED_TEAMS
    print(f"RATIO queue peak / pairs = {queue.peak / CLOSED_TEAMS:.2f}  (bounded: <= 1)  {_met(bounded)}")
    if drained is None:
        print(f"RATIO seconds to empty / {DRAIN_TARGET_SECONDS:.0f} s target: not empty after 120 s  NOT met")
    else:
        print(
            f"RATIO seconds to empty / {DRAIN_TARGET_SECONDS:.0f} s target = {drained / DRAIN_TARGET_SECONDS:.2f} "
            f"({drained:.1f} s)  {_met(drained <= DRAIN_TARGET_SECONDS)}"
        )
    clean = not errors and lost_answers == 0 and lost_responses == 0
    print(f"errors {len(errors)}, lost answers {lost_answers} (target 0 and 0)  {_met(clean)}")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def run(database_url: str | None, broker: str | None, port: int) -> None:
    setup(database_url)
    where = "PostgreSQL and Redis" if database_url and broker else "SQLite and the embedded SQLite broker"
    env = server_env(database_url, broker)
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        people(base, where)
        worker = start_worker(env)
        try:
            time.sleep(3)  # the worker connects to the broker before the load starts
            closed_loop(base, where)
        finally:
            stop(worker)
    finally:
        stop(server)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pgtemp import free_port, postgres_url, redis_url

    with contextlib.ExitStack() as stack:
        try:
            database_url: str | None = stack.enter_context(postgres_url())
            broker = stack.enter_context(redis_url())
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"no PostgreSQL here ({exc}): on SQLite and the embedded broker instead")
            database_url = broker = None
            os.environ.setdefault("DATA_DIR", str(ROOT / "var" / "bench-submission"))
        run(database_url, broker, free_port())


if __name__ == "__main__":
    main()
