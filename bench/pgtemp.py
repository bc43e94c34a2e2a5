"""A throwaway PostgreSQL server on loopback for benchmarks, when DATABASE_URL does not already name one."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


@contextmanager
def postgres_url() -> Iterator[str]:
    """Yield a postgres:// URL: DATABASE_URL if it is PostgreSQL, else a fresh server started here and stopped after."""
    existing = os.environ.get("DATABASE_URL", "")
    if existing.startswith(("postgres://", "postgresql://")):
        yield existing
        return
    pgbin = _postgres_bin()
    if pgbin is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql) and DATABASE_URL names none.")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    workdir = tempfile.mkdtemp(prefix="assessor-bench-pg-")
    os.chmod(workdir, 0o755)
    data = os.path.join(workdir, "data")
    os.mkdir(data)
    if as_postgres:
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        [*as_postgres, f"{pgbin}/initdb", "-D", data, "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        [*as_postgres, f"{pgbin}/pg_ctl", "-D", data, "-l", f"{data}/server.log", "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run([f"{pgbin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "assessor"], check=True)
        yield f"postgres://postgres@127.0.0.1:{port}/assessor"
    finally:
        subprocess.run([*as_postgres, f"{pgbin}/pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def redis_url() -> Iterator[str | None]:
    """Yield a redis:// URL: CELERY_BROKER_URL if it is Redis, else a fresh server started here, else None."""
    existing = os.environ.get("CELERY_BROKER_URL", "")
    if existing.startswith("redis://"):
        yield existing
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="assessor-bench-redis-")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
