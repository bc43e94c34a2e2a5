"""Run the web server and the Celery worker (with the beat scheduler) together; Ctrl-C or SIGTERM stops both.

Each child runs in a process group of its own, so a signal reaches it only through this command: on Ctrl-C,
SIGTERM or SIGHUP the command asks each group to stop (SIGTERM), waits, kills what is left, and exits 0.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 20.0  # how long the children get to finish (a running task, the scheduler) once asked to stop


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group has already gone
            os.killpg(self.process.pid, signum)  # the child leads its own group: its group id is its pid


class Command(BaseCommand):
    help = "Serve the site with a background worker and the beat scheduler in one terminal (the embedded default)."
    requires_system_checks = []  # the web server runs the checks itself

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="Address and port to serve on, e.g. 127.0.0.1:8010 (default 127.0.0.1:8000)."
        )
        parser.add_argument("--no-worker", action="store_true", help="Only serve the site.")

    def handle(self, *args: Any, **options: Any) -> None:
        received: list[int] = []

        def on_stop_signal(signum: int, frame: FrameType | None) -> None:
            received.append(signum)

        # Installed before the children start, so no signal can leave one running behind us.
        previous = {signum: signal.signal(signum, on_stop_signal) for signum in STOP_SIGNALS}
        try:
            children = self._start(options)
            names = " and the ".join(child.name for child in children)
            self.stdout.write(self.style.SUCCESS(f"Serving on http://{options['addr']}/ (Ctrl-C stops the {names})."))
            while not received and all(child.process.poll() is None for child in children):
                time.sleep(0.2)
            exited = [child for child in children if child.process.poll() is not None]
            killed = self._stop(children)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if killed:
            self.stderr.write(f"The {' and the '.join(killed)} did not stop within {GRACE_SECONDS:.0f} s and was killed.")
        if received:
            self.stdout.write(f"Stopped the {names}.")
            return
        failed = exited[0]
        others = [child.name for child in children if child is not failed]
        also = f"; stopped the {' and the '.join(others)} too" if others else ""
        raise CommandError(f"The {failed.name} exited with code {failed.process.returncode}{also}.")

    def _start(self, options: dict[str, Any]) -> list[Child]:
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = [("web server", [python, manage, "runserver", options["addr"], "--noreload"])]
        if not options["no_worker"]:
            # One process runs both the worker and beat: enough for the embedded broker.
            worker = [python, "-m", "celery", "-A", "assessor", "worker", "--beat", "--pool=solo", "--loglevel=INFO"]
            commands.append(("worker", worker))
        return [
            Child(name, subprocess.Popen(command, cwd=settings.BASE_DIR, process_group=0))  # noqa: S603 - our own interpreter
            for name, command in commands
        ]

    def _stop(self, children: list[Child]) -> list[str]:
        """Ask every child to stop, wait, kill what is left; the names of the children that had to be killed."""
        for child in children:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        killed = [child.name for child in children if child.process.poll() is None]
        # Whatever is left in each group (a child that ignored SIGTERM, or one of its own children) is killed.
        for child in children:
            child.signal_group(signal.SIGKILL)
            child.process.wait()
        return killed
