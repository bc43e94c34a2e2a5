"""`manage.py serve` stops the web server and the worker on SIGTERM and on Ctrl-C (SIGINT): it says so, exits
0, leaves no process behind and frees its port."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.assessor.test_commands_without_debug import ROOT, UNSET


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def live_processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every process that has not exited."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] not in {"Z", "X"}:
            found[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return found


def descendants(pid: int) -> set[int]:
    processes = live_processes()
    family, grew = {pid}, True
    while grew:
        more = {child for child, (parent, _) in processes.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return family - {pid}


def answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/model/", timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(SECRET_KEY="serve-test-secret-0123456789", DATA_DIR=str(folder), LOCAL_ENV_FILE=str(folder / "absent.env"))
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stderr
    return env, folder


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_everything_cleanly(environment, signum):
    env, folder = environment
    port = free_port()
    log = folder / f"serve-{signum}.log"
    with log.open("wb") as output:
        serve = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # like a terminal's foreground job: our own signals only
        )
    try:
        deadline = time.monotonic() + 120
        while not (answers(port) and " ready." in log.read_text(errors="replace")):
            assert serve.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "serve did not come up:\n" + log.read_text(errors="replace")
            time.sleep(0.5)
        children = descendants(serve.pid)
        assert len(children) >= 2, children  # the web server and the worker, at least
        serve.send_signal(signum)
        code = serve.wait(timeout=60)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    text = log.read_text(errors="replace")
    assert code == 0, text
    assert "Stopped the web server and the worker." in text
    assert "exit code" not in text
    assert not (children & set(live_processes())), text
    assert port_is_free(port)


def test_a_child_that_fails_is_reported_and_the_command_fails(environment):
    env, _ = environment
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--no-worker", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "The web server exited with code 1." in result.stderr
    assert "Stopped" not in result.stdout
