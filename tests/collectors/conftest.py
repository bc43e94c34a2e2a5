"""Fixtures of the collectors tests: git repositories built in tmp_path, teams and sources, the fake APIs."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from github import Auth

from assessor.models import Cluster, Consumption, Membership, Organization, Repository, Team
from collectors.github import GitHubClient
from tests.collectors.fake_github import FakeGitHub

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Change:
    author: str  # "Name <email>"
    days_ago: float
    files: dict[str, str]
    message: str = "change"


def _git(path: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> str:
    base = {"PATH": os.environ["PATH"], "HOME": str(path), "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=path,
        input=stdin,
        env={**base, **(env or {})},
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def build_repo(path: Path, changes: Sequence[Change], *, now: datetime = NOW, tags: Sequence[tuple[str, float]] = ()) -> Path:
    """A repository with one commit per change (oldest first), dated relative to `now`, plus tags (name, days ago)."""
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "-q")
    for change in changes:
        for name, content in change.files.items():
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
            _git(path, "add", name)
        stamp = (now - timedelta(days=change.days_ago)).strftime("%Y-%m-%dT%H:%M:%S+0000")
        name, _, email = change.author.partition(" <")
        env = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email.rstrip(">"),
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email.rstrip(">"),
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        _git(path, "commit", "-q", "--allow-empty", "-m", change.message, env=env)
    for tag, days_ago in tags:
        stamp = (now - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S+0000")
        _git(path, "tag", tag, env={"GIT_COMMITTER_DATE": stamp})
    return path


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(changes: Sequence[Change], **kwargs: Any) -> Path:
        return build_repo(tmp_path / f"repo{next(counter)}", changes, **kwargs)

    return make


@pytest.fixture
def org(db: None) -> Organization:
    return Organization.objects.create(name="Acme", slug="acme")


@pytest.fixture
def make_team(org: Organization) -> Callable[..., Team]:
    def make(slug: str, kind: str = "application", members: Sequence[str] = ()) -> Team:
        team = Team.objects.create(organization=org, name=slug.title(), slug=slug, kind=kind)
        for email in members:
            user = User.objects.create(username=email.split("@")[0], email=email)
            Membership.objects.create(user=user, organization=org, team=team, role=Membership.Role.MEMBER)
        return team

    return make


@pytest.fixture
def platform_team(make_team: Callable[..., Team]) -> Team:
    return make_team("platform", "platform", members=["priya@acme.example", "jonas@acme.example"])


@pytest.fixture
def app_team(make_team: Callable[..., Team], platform_team: Team) -> Team:
    team = make_team("checkout", "application", members=["emma@acme.example", "noah@acme.example"])
    Consumption.objects.create(consumer=team, provider=platform_team)
    return team


@pytest.fixture
def github_repo(platform_team: Team) -> Repository:
    return Repository.objects.create(
        team=platform_team, name="platform-config", github_full_name="northwind/platform-config", is_platform_repo=True
    )


@pytest.fixture
def fake_github(httpserver: Any, settings: Any) -> Iterator[FakeGitHub]:
    """The fake GitHub, with the service's settings pointing at it and holding a token."""
    fake = FakeGitHub()
    settings.GITHUB_BASE_URL = fake.install(httpserver)
    settings.GITHUB_TIMEOUT = 2
    settings.GITHUB_MAX_RATE_LIMIT_WAIT = 0
    settings.GITHUB_TOKEN = "test-token"
    yield fake


@pytest.fixture
def github_client(fake_github: FakeGitHub, settings: Any) -> GitHubClient:
    return GitHubClient(base_url=settings.GITHUB_BASE_URL, auth=Auth.Token("test-token"), timeout=2, max_wait=0)


@pytest.fixture
def cluster(app_team: Team, platform_team: Team) -> Cluster:
    return Cluster.objects.create(team=platform_team, name="prod", team_label="team")
