"""Management commands (collect, prune_signals) and the demo evidence that seed_demo adds."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessor.models import Cluster, Repository
from collectors.demo import DemoCommit, Person, fast_import_stream
from collectors.git import LocalRepository
from collectors.models import CollectionRun, Signal
from collectors.selectors import evidence_frame
from tests.collectors.conftest import Change

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("collect", *args, stdout=out)
    return out.getvalue()


def test_collect_path_creates_the_repository_once_and_scans_it(make_repo, platform_team):
    path = make_repo([Change("Priya <priya@acme.example>", 2, {"main.tf": "x"})])
    first = run("--path", str(path), "--team", "platform")
    second = run("--path", str(path), "--team", "platform")
    assert first.startswith("[1/1] ") and "ok, " in first and " signals" in first
    assert "ok" in second
    repository = Repository.objects.get()
    assert (repository.team, repository.local_path) == (platform_team, str(path))
    assert CollectionRun.objects.filter(repository=repository, trigger="command").count() == 2


def test_collect_all_prints_a_progress_line_per_source(make_repo, platform_team, cluster, tmp_path):
    for number in range(2):
        Repository.objects.create(
            team=platform_team, name=f"repo-{number}", local_path=str(make_repo([Change("A <a@x>", 1, {"x": "y"})]))
        )
    Repository.objects.create(team=platform_team, name="repo-broken", local_path=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="1 runs failed"):
        call_command("collect", "--all", stdout=(out := StringIO()))
    lines = out.getvalue().splitlines()
    assert [line.split(" ... ")[0] for line in lines] == ["[1/3] repo-0", "[2/3] repo-1", "[3/3] repo-broken"]
    assert "failed, 0 signals (There is no directory" in lines[2]


def test_collect_with_a_broken_rules_file_is_a_command_error_naming_the_file(make_repo, platform_team, tmp_path, settings):
    rules = tmp_path / "rules-broken.yaml"
    rules.write_text('version: "x"\nrules:\n  - {key: a, aspect: adoption, level: 9, direction: supports, explanation: e}\n')
    settings.COLLECTORS_RULES_FILE = str(rules)
    path = make_repo([Change("Priya <priya@acme.example>", 2, {"main.tf": "x"})])
    with pytest.raises(CommandError, match=r"rules-broken\.yaml: rules\[0\]\.level: 9 is greater than the maximum of 4"):
        run("--path", str(path), "--team", "platform")


def test_collect_explains_wrong_arguments(org):
    with pytest.raises(CommandError, match="needs --team"):
        run("--path", "/tmp")
    with pytest.raises(CommandError, match="No team"):
        run("--path", "/tmp", "--team", "ghosts")
    with pytest.raises(CommandError, match="No repository"):
        run("--repository", "999")


def test_prune_signals_command_reports_what_it_deleted(db):
    out = StringIO()
    call_command("prune_signals", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "Deleted 0 old signals."


def test_fast_import_builds_a_history_git_can_read(tmp_path):
    person = Person("Ann", "ann@x.example")
    from datetime import UTC, datetime

    commits = [DemoCommit(person, datetime(2026, 1, d, tzinfo=UTC), f"c{d}", ((f"f{d}.txt", "x\n"),)) for d in range(1, 5)]
    from collectors.demo import build_repository

    assert build_repository(tmp_path / "r", commits, tags=2)
    assert not build_repository(tmp_path / "r", commits)
    repo = LocalRepository(tmp_path / "r")
    assert len(repo.log()) == 4 and len(repo.tag_dates()) == 2
    assert b"tag" not in fast_import_stream(commits, 0)


def test_seed_demo_builds_repositories_and_evidence_and_can_run_again(demo_org, settings):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    repositories = Repository.objects.filter(team__organization=demo_org)
    assert all((Path(r.local_path) / ".git").is_dir() for r in repositories)
    assert Cluster.objects.get(name="prod-eu-1").snapshot_path.endswith("demo-cluster-snapshot.json")
    # Another test in this process may have built the repositories already (files outlive the test database).
    assert re.search(r"Demo evidence: (0|12) git repositories created, 13 collection runs \(0 failed\)", out.getvalue())
    frame = evidence_frame()
    assert frame["team_id"].nunique() >= 10
    assert set(frame["aspect"]) == {"investment", "adoption", "interfaces", "operations", "measurement"}
    assert set(frame["direction"]) == {"supports", "contradicts"}
    signals = Signal.objects.count()

    call_command("seed_demo", stdout=(again := StringIO()))
    assert "0 git repositories created, 13 collection runs (0 failed)" in again.getvalue()
    assert Repository.objects.filter(team__organization=demo_org).count() == repositories.count()
    assert Signal.objects.count() == 2 * signals
