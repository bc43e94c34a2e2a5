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


class TempPostgres:
    """A PostgreSQL server in a temporary directory, owned by this process."""

    def __init__(self, pgbin: str) -> None:
        self.pgbin = pgbin
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.workdir = tempfile.mkdtemp(prefix="assessor-bench-pg-")
        os.chmod(self.workdir, 0o755)
        self.data = os.path.join(self.workdir, "data")
        os.mkdir(self.data)
        if self.as_postgres:
            shutil.chown(self.data, "postgres", "postgres")
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/assessor"

    def _ctl(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, f"{self.pgbin}/pg_ctl", "-D", self.data, *args], check=True, capture_output=True)

    def start(self) -> None:
        subprocess.run(
            [*self.as_postgres, f"{self.pgbin}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        self._ctl("-l", f"{self.data}/server.log", "-w", "-o", self._options(), "start")
        subprocess.run(
            [f"{self.pgbin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "assessor"], check=True
        )

    def _options(self) -> str:
        return f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"

    def restart(self) -> None:
        """Stop the server (dropping every connection) and start it again."""
        self._ctl("-l", f"{self.data}/server.log", "-w", "-m", "fast", "-o", self._options(), "restart")

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, f"{self.pgbin}/pg_ctl", "-D", self.data, "-m", "fast", "stop"], capture_output=True, check=False
        )
        shutil.rmtree(self.workdir, ignore_errors=True)


@contextmanager
def temp_postgres() -> Iterator[TempPostgres]:
    pgbin = _postgres_bin()
    if pgbin is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql).")
    server = TempPostgres(pgbin)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def postgres_url() -> Iterator[str]:
    """Yield a postgres:// URL: DATABASE_URL if it is PostgreSQL, else a fresh server started here and stopped after."""
    existing = os.environ.get("DATABASE_URL", "")
    if existing.startswith(("postgres://", "postgresql://")):
        yield existing
        return
    with temp_postgres() as server:
        yield server.url


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
