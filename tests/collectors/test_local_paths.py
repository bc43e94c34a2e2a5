"""Local paths are read only under the configured roots, snapshots only as regular files within their limit, and
signals name files and repositories without the server's absolute paths."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessor.models import Cluster, Repository
from collectors import localpaths
from collectors.kubernetes import read_snapshot
from collectors.localpaths import LocalPathError, check_local_path, read_regular_file
from collectors.models import CollectionRun, Signal
from collectors.services import cluster_collect, repository_collect
from tests.collectors.conftest import Change

SECRET = "do-not-show-this-line"


DEMO_SNAPSHOT = Path(__file__).resolve().parents[2] / "collectors" / "data" / "demo-cluster-snapshot.json"


def dump_bytes() -> bytes:
    """A whole `kubectl get -o json` dump: the demo's cluster snapshot."""
    return DEMO_SNAPSHOT.read_bytes()


@pytest.fixture
def allowed(tmp_path, settings) -> Path:
    """The one allowed root for the test; tmp_path itself (where the outside files live) is not allowed."""
    root = tmp_path / "allowed"
    root.mkdir()
    settings.COLLECTORS_LOCAL_ROOTS = [root]
    return root


@pytest.fixture
def outside(tmp_path) -> Path:
    secret = tmp_path / "outside" / "secret.json"
    secret.parent.mkdir()
    secret.write_text(json.dumps({"kind": SECRET, "apiVersion": "v1"}))
    return secret


def test_a_path_outside_the_roots_is_refused_naming_the_roots(allowed, outside):
    with pytest.raises(LocalPathError) as caught:
        check_local_path(outside)
    assert str(allowed) in str(caught.value) and "COLLECTORS_LOCAL_ROOTS" in str(caught.value)
    assert check_local_path(allowed / "repo") == allowed / "repo"


@pytest.mark.parametrize("path", ["relative/repo", "", "/x\x00y"])
def test_relative_empty_and_nul_paths_are_refused(allowed, path):
    with pytest.raises(LocalPathError):
        check_local_path(path)


def test_dot_dot_cannot_climb_out_of_a_root(allowed, outside):
    with pytest.raises(LocalPathError, match="is outside"):
        check_local_path(f"{allowed}/../outside/secret.json")


def test_a_symlink_inside_a_root_pointing_out_is_refused(allowed, outside):
    link = allowed / "snapshot.json"
    link.symlink_to(outside)
    with pytest.raises(LocalPathError, match="through a symbolic link") as caught:
        read_regular_file(link, 1000)
    assert SECRET not in str(caught.value)


@pytest.mark.django_db
def test_model_validation_refuses_paths_outside_the_roots(allowed, outside, platform_team):
    repository = Repository(team=platform_team, name="etc", local_path=str(outside.parent))
    with pytest.raises(ValidationError) as caught:
        repository.full_clean()
    assert "local_path" in caught.value.message_dict and str(allowed) in caught.value.message_dict["local_path"][0]
    cluster = Cluster(team=platform_team, name="prod", snapshot_path=str(outside))
    with pytest.raises(ValidationError) as caught:
        cluster.full_clean()
    assert "snapshot_path" in caught.value.message_dict
    Repository(team=platform_team, name="ok", local_path=str(allowed / "repo")).full_clean()
    Cluster(team=platform_team, name="ok", snapshot_path=str(allowed / "dump.json")).full_clean()


@pytest.mark.django_db
def test_the_admin_refuses_an_outside_path_even_for_a_superuser(admin_client, allowed, outside, platform_team):
    answer = admin_client.post(
        reverse("admin:assessor_repository_add"),
        {"team": platform_team.pk, "name": "sneaky", "local_path": str(outside.parent), "github_full_name": ""},
    )
    assert answer.status_code == 200
    assert "outside the directories the server may read" in answer.content.decode()
    answer = admin_client.post(
        reverse("admin:assessor_cluster_add"),
        {"team": platform_team.pk, "name": "sneaky", "snapshot_path": str(outside), "kube_context": "", "team_label": "team"},
    )
    assert answer.status_code == 200 and "outside the directories" in answer.content.decode()
    assert not Repository.objects.filter(name="sneaky").exists() and not Cluster.objects.filter(name="sneaky").exists()


@pytest.mark.django_db
def test_a_stored_row_from_before_the_rule_is_refused_when_collected(allowed, outside, platform_team, make_repo):
    repo_outside = make_repo([Change("A <a@x>", 1, {"main.tf": "x"})])
    repository = Repository.objects.create(team=platform_team, name="old", local_path=str(repo_outside))
    (run,) = repository_collect(repository=repository, raise_retryable=False)
    assert run.status == CollectionRun.Status.FAILED and not run.retryable
    assert str(allowed) in run.error and "outside" in run.error
    cluster = Cluster.objects.create(team=platform_team, name="old", snapshot_path=str(outside))
    run = cluster_collect(cluster=cluster, raise_retryable=False)
    assert run.status == CollectionRun.Status.FAILED and "outside" in run.error and SECRET not in run.error
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_a_git_file_pointing_at_a_repository_outside_is_refused(allowed, platform_team, make_repo):
    elsewhere = make_repo([Change("A <a@x>", 1, {"main.tf": "x"})])
    decoy = allowed / "decoy"
    decoy.mkdir()
    (decoy / ".git").write_text(f"gitdir: {elsewhere / '.git'}\n")
    repository = Repository.objects.create(team=platform_team, name="decoy", local_path=str(decoy))
    (run,) = repository_collect(repository=repository, raise_retryable=False)
    assert run.status == CollectionRun.Status.FAILED and "git directory of allowed/decoy is elsewhere" in run.error
    assert not Signal.objects.exists()


@pytest.mark.django_db
def test_the_collect_command_refuses_a_path_outside_the_roots(allowed, outside, platform_team):
    with pytest.raises(CommandError, match="outside the directories"):
        call_command("collect", "--path", str(outside.parent), "--team", "platform", stdout=StringIO())
    assert not Repository.objects.exists()


def test_a_fifo_is_refused_without_blocking(allowed):
    fifo = allowed / "snapshot.json"
    os.mkfifo(fifo)
    stop = threading.Event()
    reader_seen = threading.Event()

    def feed() -> None:  # keeps offering 60 MB to whoever opens the pipe for reading
        while not stop.is_set():
            try:
                descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader yet
                time.sleep(0.01)
                continue
            reader_seen.set()
            try:
                os.write(descriptor, b"x" * (60 * 1024 * 1024))
            except OSError:
                pass
            finally:
                os.close(descriptor)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_snapshot(fifo, max_bytes=50 * 1024 * 1024)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    started = time.monotonic()
    reader.start()
    reader.join(timeout=5)
    stop.set()
    writer.join(timeout=5)
    assert not reader.is_alive(), "reading the pipe blocked"
    assert time.monotonic() - started < 2
    assert outcome and "is a named pipe" in str(outcome[0])
    assert not reader_seen.is_set(), "the pipe was opened"


def test_a_directory_and_a_device_are_refused(allowed, settings):
    with pytest.raises(LocalPathError, match="is a directory"):
        read_regular_file(allowed, 1000)
    settings.COLLECTORS_LOCAL_ROOTS = [Path("/dev")]
    with pytest.raises(LocalPathError, match="is a character device"):
        read_regular_file("/dev/zero", 1000)


def test_a_file_over_the_limit_is_refused_before_it_is_read(allowed, monkeypatch):
    big = allowed / "big.json"
    big.write_bytes(b"x" * 2000)
    read = counting_reads(monkeypatch)
    with pytest.raises(LocalPathError, match="2,000 bytes; the limit is 1,000"):
        read_regular_file(big, 1000)
    assert read == [0]


def test_a_file_larger_than_its_reported_size_is_read_no_further_than_the_limit_plus_one(settings, monkeypatch):
    # Files under /proc report a size of 0 and hold more: only the bytes read tell.
    settings.COLLECTORS_LOCAL_ROOTS = [Path("/proc")]
    monkeypatch.setattr(localpaths, "CHUNK_BYTES", 7)
    read = counting_reads(monkeypatch)
    with pytest.raises(LocalPathError, match="more than 100 bytes"):
        read_regular_file("/proc/self/status", 100)
    assert read == [101]
    assert len(read_regular_file("/proc/self/status", 1_000_000)) > 101


def test_a_snapshot_within_the_limit_is_read_whole(allowed):
    snapshot = allowed / "dump.json"
    snapshot.write_bytes(dump_bytes())
    assert read_snapshot(snapshot) == dump_bytes()


@pytest.mark.django_db
def test_signals_carry_paths_relative_to_the_repository_root(allowed, platform_team, cluster):
    path = allowed / "team-repos" / "platform"
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True)
    (path / "deploy").mkdir()
    (path / "deploy" / "app.yaml").write_text("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\n")
    (path / "main.tf").write_text("terraform {}\n")
    env = {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@x"}
    for command in (["add", "."], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", "-C", str(path), *command], check=True, capture_output=True, env={**os.environ, **env})
    repository = Repository.objects.create(team=platform_team, name="platform", local_path=str(path))
    (run,) = repository_collect(repository=repository)
    snapshot = allowed / "snapshots" / "prod.json"
    snapshot.parent.mkdir()
    snapshot.write_bytes(dump_bytes())
    cluster.snapshot_path = str(snapshot)
    cluster.save()
    cluster_run = cluster_collect(cluster=cluster)
    assert run.status == cluster_run.status == CollectionRun.Status.OK
    gitops = Signal.objects.get(run=run, key="files.gitops")
    assert gitops.path == "deploy/app.yaml" and gitops.detail["paths"] == ["deploy/app.yaml"]
    assert gitops.source_url == "allowed/team-repos/platform"
    assert Signal.objects.filter(run=cluster_run).first().source_url == "allowed/snapshots/prod.json"
    stored = [json.dumps([s.path, s.source_url, s.endpoint, s.subject, s.detail], default=str) for s in Signal.objects.all()]
    assert stored and not any(str(allowed.parent) in text for text in stored)


@pytest.mark.django_db
def test_a_run_error_names_the_repository_without_the_absolute_path(allowed, platform_team):
    repository = Repository.objects.create(team=platform_team, name="gone", local_path=str(allowed / "gone"))
    (run,) = repository_collect(repository=repository, raise_retryable=False)
    assert run.error == "There is no directory at allowed/gone."


def counting_reads(monkeypatch) -> list[int]:
    """Total bytes the module reads through os.read, as a one-item list that fills in."""
    total = [0]
    real = os.read

    def read(descriptor: int, size: int) -> bytes:
        chunk = real(descriptor, size)
        total[0] += len(chunk)
        return chunk

    monkeypatch.setattr(localpaths.os, "read", read)
    return total
