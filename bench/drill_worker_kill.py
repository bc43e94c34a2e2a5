"""Drill: kill a Celery worker's process in the middle of a collection and check the job finishes as one clean run.

A worker (prefork pool, one child) takes a collection task from Redis. Its git is slowed down so the run is
still going when the child process is killed with SIGKILL. Tasks are acknowledged late and rejected when
their worker is lost, so the job is delivered again; the new attempt closes the dead one and its signals
must equal those of a clean run made afterwards.

Usage: .venv/bin/python bench/drill_worker_kill.py   (needs Debian's redis-server)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgtemp import redis_url  # noqa: E402


def slow_git(directory: Path) -> Path:
    script = directory / "slow-git"
    script.write_text('#!/bin/sh\nsleep 2\nexec git "$@"\n')
    script.chmod(0o755)
    return script


def children_of(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout.split()
    return [int(child) for child in found]


def wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def current_signals(repository_id: int, run_id: int) -> dict[str, str]:
    from collectors.models import Signal

    return {key: repr(value) for key, value in Signal.objects.filter(run_id=run_id).values_list("key", "value")}


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="assessor-drill-"))
    with redis_url() as broker:
        if broker is None:
            print("not run: redis-server is not installed")
            return
        env = {
            **os.environ,
            "DATA_DIR": str(workdir),
            "SECRET_KEY": "drill-only-not-a-secret",
            "CELERY_BROKER_URL": broker,
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "0",
        }
        os.environ.update(
            {key: env[key] for key in ("DATA_DIR", "SECRET_KEY", "CELERY_BROKER_URL", "LOG_LEVEL", "CELERY_TASK_ALWAYS_EAGER")}
        )
        from common import setup_django

        setup_django()
        from collectors_bench import build_big_repository  # after set-up: it configures Django on import otherwise
        from django.core.management import call_command

        from assessor.models import Organization, Repository, Team
        from collectors.models import CollectionRun
        from collectors.services import repository_collect
        from collectors.tasks import collect_repository

        call_command("migrate", verbosity=0)
        repo_path = workdir / "platform.git"
        build_big_repository(repo_path)
        organization = Organization.objects.create(name="Drill", slug="drill")
        team = Team.objects.create(organization=organization, name="Platform", slug="platform", kind="platform")
        repository = Repository.objects.create(team=team, name="platform", local_path=str(repo_path), is_platform_repo=True)

        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "assessor", "worker", "--pool=prefork", "-c", "1", "--loglevel=WARNING"],
            cwd=ROOT,
            env={**env, "COLLECTORS_GIT_BINARY": str(slow_git(workdir))},
        )
        try:
            job = collect_repository.apply_async(args=(repository.pk,)).id
            started = wait_for(lambda: CollectionRun.objects.filter(job_id=job, status="running").exists(), 60)
            children = children_of(worker.pid)
            if not started or not children:
                print(f"not run: the job did not start in time (started={started}, children={children})")
                return
            time.sleep(1)
            for child in children:
                os.kill(child, signal.SIGKILL)
            killed_at = time.monotonic()
            finished = wait_for(lambda: CollectionRun.objects.filter(job_id=job, status="ok").exists(), 120)
            redelivered_after = time.monotonic() - killed_at
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)

        attempts = list(CollectionRun.objects.filter(job_id=job).order_by("pk"))
        print(f"job {job}: {len(attempts)} attempts: {[(run.status, run.error[:50]) for run in attempts]}")
        if not finished:
            print("RESULT FAILED: the job was not delivered again after its worker was killed")
            return
        print(f"worker child killed mid-run; the job ran again and finished {redelivered_after:.1f} s later")
        clean = repository_collect(repository=repository, raise_retryable=False)[0]
        after_kill = current_signals(repository.pk, attempts[-1].pk)
        clean_signals = current_signals(repository.pk, clean.pk)
        differing = sorted(key for key in set(after_kill) | set(clean_signals) if after_kill.get(key) != clean_signals.get(key))
        print(f"signals of the redelivered run: {len(after_kill)}; of a clean run: {len(clean_signals)}; differing: {differing}")
        dead_closed = all(run.status != "running" for run in attempts)
        held = finished and not differing and dead_closed
        print(f"RESULT {'held' if held else 'FAILED'}: one finished run equal to a clean one; the dead attempt closed")


if __name__ == "__main__":
    main()
