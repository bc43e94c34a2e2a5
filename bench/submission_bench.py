"""Survey submission under 50 concurrent users against gunicorn and PostgreSQL.

Each virtual user takes invitation links in turn and, like the form does, loads the survey, saves its
answers as a draft, then submits, pausing 0.5-1.5 s between requests as a person filling in a form
does. Afterwards the database is checked: every response must be submitted
with every answer it was sent. Target (design): no error, no lost answer, p95 under 150 ms.
"""

from __future__ import annotations

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
INVITATIONS = 400
THINK_SECONDS = (0.5, 1.5)  # a person reading and answering between two saves


def prepare(database_url: str) -> list[str]:
    """Migrate the database, load the model and instrument, and open a wave with invitation links."""
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from common import setup_django

    setup_django()
    from django.core.management import call_command
    from django.utils import timezone

    from assessor.models import Organization, Team
    from surveys.models import Instrument, Invitation, Wave

    call_command("migrate", verbosity=0)
    call_command("load_model", verbosity=0)
    call_command("load_instrument", verbosity=0)
    organization, _ = Organization.objects.get_or_create(slug="load", defaults={"name": "Load test"})
    Wave.objects.filter(organization=organization).delete()
    teams = [
        Team.objects.get_or_create(
            organization=organization, slug=f"team-{n}", defaults={"name": f"Team {n}", "kind": "application"}
        )[0]
        for n in range(20)
    ]
    now = timezone.now()
    wave = Wave.objects.create(
        organization=organization,
        instrument=Instrument.objects.order_by("-version").first(),
        name=f"Load {now:%H%M%S}",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    wave.teams.set(teams)
    invitations = [Invitation.issue(wave=wave, team=teams[n % len(teams)], role="app_developer") for n in range(INVITATIONS)]
    Invitation.objects.bulk_create(invitations)
    return [invitation.token() for invitation in invitations]


def answers_for(questions: list[dict], rnd: random.Random) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in questions:
        if question["qtype"] == "single_choice" and question.get("options"):
            answers[question["key"]] = rnd.choice(question["options"])["value"]
        elif question["qtype"] == "target_level":
            answers[question["key"]] = rnd.randint(1, 4)
    return answers


def run_user(
    base: str, tokens: list[str], latencies: list[float], errors: list[str], sent: dict[str, int], lock: threading.Lock
) -> None:
    session = requests.Session()
    rnd = random.Random(hash(tokens[0]))
    for token in tokens:
        try:
            started = time.perf_counter()
            form = session.get(f"{base}/api/v1/responses/{token}/", timeout=30)
            latencies.append(time.perf_counter() - started)
            if form.status_code != 200:
                errors.append(f"GET {form.status_code}")
                continue
            body = form.json()
            answers = answers_for(body["questions"], rnd)
            time.sleep(rnd.uniform(*THINK_SECONDS))
            started = time.perf_counter()
            saved = session.put(
                f"{base}/api/v1/responses/{token}/", json={"version": body["version"], "answers": answers}, timeout=30
            )
            latencies.append(time.perf_counter() - started)
            if saved.status_code != 200:
                errors.append(f"PUT {saved.status_code} {saved.text[:120]}")
                continue
            time.sleep(rnd.uniform(*THINK_SECONDS))
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
    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "assessor.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/model/", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.2)
    return server


def run(database_url: str, broker: str | None, port: int) -> None:
    tokens = prepare(database_url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **({"CELERY_BROKER_URL": broker} if broker else {}),
    }
    server = start_server(env, port)
    latencies: list[float] = []
    errors: list[str] = []
    sent: dict[str, int] = {}
    lock = threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=USERS) as pool:
        futures = [
            pool.submit(run_user, f"http://127.0.0.1:{port}", tokens[n::USERS], latencies, errors, sent, lock)
            for n in range(USERS)
        ]
    errors.extend(f"client failure: {future.exception()!r}" for future in futures if future.exception() is not None)
    elapsed = time.perf_counter() - started
    server.terminate()
    server.wait(timeout=30)
    lost_responses, lost_answers = count_lost(sent)
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000
    queue = "Redis" if broker else "the embedded SQLite broker"
    print(f"{USERS} concurrent users on gunicorn, PostgreSQL and {queue}: {len(sent)} submissions in {elapsed:.1f} s")
    print(f"requests: {len(latencies)}, errors: {len(errors)} {sorted(set(errors))[:3]}")
    print(f"lost: {lost_responses} responses, {lost_answers} answers (counted in the database afterwards)")
    print(f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    met = not errors and lost_answers == 0 and lost_responses == 0 and p95 < 150
    verdict = "met" if met else "NOT met"
    print(f"RATIO p95 / 150 ms target = {p95 / 150:.2f}  errors {len(errors)}, lost {lost_answers}  {verdict}")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pgtemp import free_port, postgres_url, redis_url

    try:
        with postgres_url() as database_url, redis_url() as broker:
            run(database_url, broker, free_port())
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"not run: no PostgreSQL available ({exc})")


if __name__ == "__main__":
    main()
