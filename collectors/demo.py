"""Demo evidence: small local git repositories for the demo teams, a bundled cluster snapshot, and a first collection.

Idempotent: repositories that already have commits are left alone; running it again only adds collection runs.
Commit dates count back from today (midnight UTC), so the history always looks recent and is the same all day.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from django.contrib.auth import get_user_model

from assessor.demo import demo_repo_dir
from assessor.models import Cluster, Membership, Organization, Repository, Team
from collectors import conf
from collectors.demo_files import files_for
from collectors.git import LocalRepository
from collectors.models import CollectionRun
from collectors.models.runs import Collector
from collectors.records import Outcome, SignalRecord
from collectors.selectors import evidence_frame
from collectors.services import run_opened, run_record, source_collect

SNAPSHOT = conf.DATA / "demo-cluster-snapshot.json"
DEMO_CLUSTER = "prod-eu-1"
EMAIL_DOMAIN = "northwind.example"

PEOPLE = {
    "developer-platform": ("Priya Raman", "Jonas Weber", "Aiko Tanaka", "Sam Okafor"),
    "data-platform": ("Maria Silva", "Tom Berg", "Chen Wei"),
    "cloud-infrastructure": ("Olu Adeyemi", "Karin Holm", "Diego Ruiz"),
    "security-engineering": ("Lena Fischer", "Arjun Mehta"),
    "checkout": ("Emma Laurent", "Noah Kim", "Fatima Zahra", "Lucas Costa"),
    "catalog": ("Hana Novak", "Ivan Petrov", "Grace Mensah"),
    "mobile": ("Leo Martin", "Sofia Rossi"),
    "notifications": ("Amir Haddad", "Julia Nowak", "Ben Carter"),
    "routing": ("Elif Demir", "Oscar Lind"),
    "warehouse": ("Mei Lin", "Pedro Alves", "Nina Berg", "Kofi Boateng"),
    "billing": ("Sara Cohen", "Max Braun", "Ana Pereira"),
    "analytics": ("Rita Gomez",),
}


@dataclass(frozen=True)
class History:
    commits: int
    span_days: int
    ends_days_ago: int = 1
    authors: int = 3
    outside_every: int = 0  # every n-th commit by someone from a consuming team (0: none)
    bursty: bool = False
    reverts: int = 0
    tags: int = 0


HISTORIES = {
    "developer-platform": History(48, 180, authors=4, outside_every=3, tags=6),
    "data-platform": History(30, 170, authors=2, outside_every=8, tags=3),
    "cloud-infrastructure": History(36, 200, tags=2),
    "security-engineering": History(14, 200, authors=1, bursty=True),
    "checkout": History(40, 120, authors=4, reverts=1, tags=8),
    "catalog": History(28, 150, tags=3),
    "mobile": History(24, 90, authors=2),
    "notifications": History(20, 160),
    "routing": History(18, 200, authors=2, reverts=2),
    "warehouse": History(32, 130, authors=4, tags=4),
    "billing": History(26, 100, reverts=4),
    "analytics": History(8, 200, ends_days_ago=220, authors=1),
}


# Delivery figures the demo's pipelines push, one push every three weeks, oldest first: deploys a week, lead
# time (hours), change failure rate, time to restore (hours). Local scans alone give deploy frequency only.
PUSHED_DELIVERY = {
    "checkout": ((3, 60, 0.2, 30), (5, 40, 0.14, 10), (8, 22, 0.09, 3), (12, 14, 0.04, 0.8)),
    "catalog": ((0.8, 200, 0.25, 90), (1, 170, 0.2, 60), (1.5, 120, 0.15, 30), (2, 90, 0.12, 20)),
    "billing": ((0.2, 900, 0.5, 400), (0.25, 800, 0.45, 300), (0.3, 700, 0.4, 200), (0.5, 500, 0.3, 150)),
}
PUSH_ENDPOINT = "POST /api/v1/evidence/"
PUSHED_KEYS = ("ci.deploys_per_week", "ci.lead_time_hours", "ci.change_failure_rate", "ci.time_to_restore_hours")


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class DemoCommit:
    author: Person
    at: datetime
    message: str
    files: tuple[tuple[str, str], ...]


def _person(name: str) -> Person:
    return Person(name, f"{name.lower().replace(' ', '.')}@{EMAIL_DOMAIN}")


def team_people(team: Team) -> list[Person]:
    """The team's members with e-mail addresses; demo people (who cannot sign in) when it has none."""
    members = Membership.objects.filter(team=team).exclude(user__email="").select_related("user").order_by("user_id")
    found = [Person(m.user.get_full_name() or m.user.get_username(), m.user.email) for m in members]
    if found:
        return found
    user_model = get_user_model()
    people = [_person(name) for name in PEOPLE.get(team.slug, ("Alex Doe",))]
    for person in people:
        first, _, last = person.name.partition(" ")
        user, created = user_model.objects.get_or_create(
            username=person.email.split("@")[0], defaults={"email": person.email, "first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organization=team.organization, team=team, defaults={"role": Membership.Role.MEMBER}
        )
    return people


def plan_commits(
    files: dict[str, str], history: History, own: Sequence[Person], outside: Sequence[Person], today: datetime
) -> list[DemoCommit]:
    """A deterministic history: everything added first, then one file changed per commit, some reverts."""
    paths = sorted(files)
    editable = [p for p in paths if not p.endswith(".json")] or paths
    contents = dict(files)
    commits = []
    last = max(1, history.commits - 1)
    for index in range(history.commits):
        if history.bursty:  # two short bursts, months apart
            day = (
                history.ends_days_ago + (history.span_days - index % 7)
                if index < history.commits // 2
                else history.ends_days_ago + 6 - index % 7
            )
        else:
            day = history.ends_days_ago + round(history.span_days * (last - index) / last)
        at = today - timedelta(days=day) + timedelta(hours=9 + (index * 5) % 9, minutes=(index * 17) % 60)
        author = own[index % min(len(own), history.authors)]
        if history.outside_every and outside and index % history.outside_every == 1:
            author = outside[(index // history.outside_every) % len(outside)]
        if index == 0:
            commits.append(DemoCommit(author, at, "Initial version", tuple(sorted(contents.items()))))
            continue
        path = editable[index % len(editable)]
        contents[path] = (
            f"{contents[path]}# change {index}\n" if not path.endswith(".md") else f"{contents[path]}\nUpdate {index}.\n"
        )
        revert = history.reverts and index % max(2, history.commits // (history.reverts + 1)) == 0
        message = f'Revert "Update {path}"' if revert else f"Update {path}"
        commits.append(DemoCommit(author, at, message, ((path, contents[path]),)))
    return commits


def fast_import_stream(commits: Sequence[DemoCommit], tags: int) -> bytes:
    """A `git fast-import` stream: one process writes the whole history, much faster than commit by commit."""
    out: list[bytes] = []

    def data(text: str) -> None:
        raw = text.encode()
        out.append(b"data %d\n" % len(raw) + raw + b"\n")

    for mark, commit in enumerate(commits, start=1):
        stamp = f"{commit.author.name} <{commit.author.email}> {int(commit.at.timestamp())} +0000"
        out.append(f"commit refs/heads/main\nmark :{mark}\nauthor {stamp}\ncommitter {stamp}\n".encode())
        data(commit.message)
        if mark > 1:
            out.append(f"from :{mark - 1}\n".encode())
        for path, content in commit.files:
            out.append(f"M 100644 inline {path}\n".encode())
            data(content)
    step = max(1, len(commits) // (tags + 1)) if tags else 0
    for number in range(1, tags + 1):
        out.append(f"reset refs/tags/v1.{number}.0\nfrom :{min(len(commits), number * step)}\n\n".encode())
    return b"".join(out)


def _git(*args: str, cwd: Path, stdin: bytes | None = None) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [conf.git_binary(), "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        input=stdin,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


def build_repository(path: Path, commits: Sequence[DemoCommit], *, tags: int = 0) -> bool:
    """Create the repository unless it already has commits; True when it was created."""
    if (path / ".git").is_dir() and LocalRepository(path).head():
        return False
    path.mkdir(parents=True, exist_ok=True)
    _git("init", "-q", str(path), cwd=path)
    _git("fast-import", "--quiet", cwd=path, stdin=fast_import_stream(commits, tags))
    _git("reset", "-q", "--hard", "main", cwd=path)
    return True


def seed(organization: Organization, stdout: TextIO) -> None:
    """Create the demo repositories and point the demo cluster at the bundled snapshot, then collect everything."""
    today = datetime.now(tz=UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    root = demo_repo_dir()
    repositories = list(
        Repository.objects.filter(team__organization=organization, local_path__startswith=root).select_related("team")
    )
    people = {repo.team.slug: team_people(repo.team) for repo in repositories}
    consumers = {
        team.slug: [p for consumer in team.consumers.all() for p in people.get(consumer.slug, [])]
        for team in Team.objects.filter(organization=organization).prefetch_related("consumers")
    }
    created = 0
    for repo in repositories:
        slug = repo.team.slug
        history = HISTORIES.get(slug, History(12, 60))
        commits = plan_commits(files_for(slug), history, people[slug], consumers.get(slug, []), today)
        created += build_repository(Path(repo.local_path), commits, tags=history.tags)

    cluster = Cluster.objects.filter(team__organization=organization, name=DEMO_CLUSTER).first()
    sources: list[Repository | Cluster] = list(repositories)
    if cluster is not None and not cluster.kube_context:
        if cluster.snapshot_path != str(SNAPSHOT):
            cluster.snapshot_path = str(SNAPSHOT)
            cluster.save(update_fields=["snapshot_path"])
        sources.append(cluster)
    runs = [
        run
        for source in sources
        for run in source_collect(source=source, trigger=CollectionRun.Trigger.DEMO, raise_retryable=False)
    ]
    pushes = push_delivery(repositories, today)
    failed = sum(1 for run in runs if run.status == CollectionRun.Status.FAILED)
    evidence = len(evidence_frame(team_ids=Team.objects.filter(organization=organization).values_list("pk", flat=True)))
    stdout.write(
        f"Demo evidence: {created} git repositories created, {len(runs)} collection runs ({failed} failed), "
        f"{sum(run.signal_count for run in runs)} signals, {evidence} current evidence items, "
        f"{pushes} delivery pushes from CI."
    )


def push_delivery(repositories: Sequence[Repository], today: datetime) -> int:
    """Push the demo's delivery figures as CI would, each push dated in the past so the page has a history."""
    pushes = 0
    for repo in repositories:
        history = PUSHED_DELIVERY.get(repo.team.slug, ())
        for index, figures in enumerate(history):
            at = today - timedelta(days=21 * (len(history) - 1 - index))
            records = tuple(
                SignalRecord(key, value, detail={"pipeline": {"name": "deploy"}}, endpoint=PUSH_ENDPOINT, observed_at=at)
                for key, value in zip(PUSHED_KEYS, figures, strict=True)
            )
            with run_opened(source=repo, collector=Collector.CI, trigger=CollectionRun.Trigger.DEMO) as run:
                run_record(run=run, source=repo, outcome=Outcome(signals=records, complete=False))
            pushes += 1
    return pushes
