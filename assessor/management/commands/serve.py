"""Run the web server, the Celery worker and the scheduler together; Ctrl-C stops all of them."""

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the site with a background worker and the beat scheduler in one terminal (the embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Only serve the site.")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        commands = [[python, "manage.py", "runserver", options["addr"], "--noreload"]]
        if not options["no_worker"]:
            # One process runs both the worker and beat: enough for the embedded broker.
            commands.append([python, "-m", "celery", "-A", "assessor", "worker", "--beat", "--pool=solo", "--loglevel=INFO"])
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603 - our own interpreter
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{options['addr']}/ (Ctrl-C stops everything)."))
        interrupted = False
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if interrupted:
            self.stdout.write("Stopped the server, the worker and the scheduler.")
            return
        failed = [p for p in processes if p.returncode not in (0, -signal.SIGTERM, -signal.SIGINT, None)]
        if failed:
            self.stderr.write(f"A process stopped with exit code {failed[0].returncode}; the others were stopped too.")
