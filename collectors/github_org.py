"""GitHub adapter for an organization's structure: its teams (with their parents), each team's members, and the
repositories each team may administer or maintain.

Every page is read with a conditional request against the ETag of the page read last time, so an organization
that has not changed is read again at no rate-limit cost (GitHub does not count a 304). What the pages said
is kept with their ETags in the state the caller stores, and a 304 page is taken from there.
No PyGithub object leaves this module: the answers become the frozen dataclasses below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from collectors.github_client import PER_PAGE, CallBudgetSpent, GitHubClient, GitHubError

MANAGING_ROLES = ("admin", "maintain")


@dataclass(frozen=True)
class OrgTeam:
    slug: str
    name: str
    description: str
    parent_slug: str | None


@dataclass(frozen=True)
class TeamRepository:
    full_name: str
    name: str
    role: str  # "admin" or "maintain": the team's own right on the repository


@dataclass(frozen=True)
class OrgSnapshot:
    """What GitHub says about the organization; members and repositories only for teams without child teams."""

    org: str
    teams: tuple[OrgTeam, ...]
    members: Mapping[str, tuple[str, ...]]
    repositories: Mapping[str, tuple[TeamRepository, ...]]
    fresh_pages: int = 0  # pages GitHub answered with content (the rest were 304s taken from the state)


class GitHubShapeError(ValueError):
    """An answer that is not shaped as GitHub documents it."""


def parse_team(item: Any) -> OrgTeam:
    if not isinstance(item, dict) or not isinstance(item.get("slug"), str) or not item["slug"]:
        raise GitHubShapeError("a team without a slug")
    parent = item.get("parent")
    parent_slug = parent.get("slug") if isinstance(parent, dict) else None
    return OrgTeam(
        slug=item["slug"],
        name=str(item.get("name") or item["slug"]),
        description=str(item.get("description") or ""),
        parent_slug=parent_slug if isinstance(parent_slug, str) and parent_slug else None,
    )


def parse_member(item: Any) -> str:
    if not isinstance(item, dict) or not isinstance(item.get("login"), str) or not item["login"]:
        raise GitHubShapeError("a team member without a login")
    return str(item["login"])


def parse_team_repository(item: Any) -> TeamRepository | None:
    """The repository when the team may administer or maintain it, else None (push, triage or pull only)."""
    if not isinstance(item, dict) or not isinstance(item.get("full_name"), str) or item["full_name"].count("/") != 1:
        raise GitHubShapeError("a team repository without an owner/name full_name")
    permissions = item.get("permissions")
    if not isinstance(permissions, dict):
        raise GitHubShapeError(f"{item['full_name']}: no permissions object")
    role = next((role for role in MANAGING_ROLES if permissions.get(role) is True), None)
    if role is None:
        return None
    return TeamRepository(item["full_name"], str(item.get("name") or item["full_name"].split("/")[1]), role)


# What the state keeps of each item: the fields its parse function reads, in GitHub's own shape, so a page taken
# from the state goes through the same checks as one GitHub just sent.
_KEPT = {
    "team": lambda item: {
        "slug": item.get("slug"),
        "name": item.get("name"),
        "description": item.get("description"),
        "parent": {"slug": item["parent"].get("slug")} if isinstance(item.get("parent"), dict) else None,
    },
    "member": lambda item: {"login": item.get("login")},
    "repository": lambda item: {
        "full_name": item.get("full_name"),
        "name": item.get("name"),
        "permissions": item.get("permissions"),
    },
}


class _Pages:
    """Reads lists page by page, each page conditionally; `state` maps each page's URL to its ETag, items (as
    `_KEPT` keeps them) and the next page's URL, and `seen` is the same for the pages this run visited."""

    def __init__(self, client: GitHubClient, state: Mapping[str, Any]) -> None:
        self.client = client
        self.state = state
        self.seen: dict[str, Any] = {}
        self.fresh = 0

    def read(self, path: str, kind: str, parse: Callable[[Any], Any]) -> list[Any] | None:
        """Every item of the list at `path`, parsed; None when GitHub answers 404."""
        url, params = path, {"per_page": PER_PAGE}
        items: list[Any] = []
        while url:
            key = f"{url}?per_page={PER_PAGE}" if params else url
            known, parsed = self._known(key, parse)
            try:
                answer = self.client.get(url, params=params, etag=str(known["etag"]) if known else "")
            except CallBudgetSpent:
                raise GitHubError(
                    f"The budget of {self.client.max_calls} API calls ran out while reading {path}; raise GITHUB_ORG_MAX_CALLS.",
                ) from None
            if answer.not_modified and known is not None:
                page = known
            elif answer.status == 404 and not items:
                return None
            elif answer.status != 200:
                # A later page gone missing means the list changed while it was read: reading again will do.
                raise GitHubError(f"GitHub answered {answer.status} for {url}.", retryable=bool(items))
            else:
                if not isinstance(answer.data, list) or not all(isinstance(item, dict) for item in answer.data):
                    raise GitHubError(f"GitHub's answer for {url} is not a list of objects.")
                try:
                    parsed = [parse(item) for item in answer.data]
                except GitHubShapeError as exc:
                    raise GitHubError(f"GitHub's answer for {url} had an unexpected shape: {exc}") from exc
                page = {"etag": answer.etag, "items": [_KEPT[kind](item) for item in answer.data], "next": answer.link("next")}
                self.fresh += 1
            self.seen[key] = page
            items.extend(parsed)
            url, params = str(page.get("next") or ""), {}
        return items

    def _known(self, key: str, parse: Callable[[Any], Any]) -> tuple[dict[str, Any] | None, list[Any]]:
        """The page as the state has it, with its items parsed; (None, []) when it has none that parses."""
        known = self.state.get(key)
        if not isinstance(known, dict) or not known.get("etag") or not isinstance(known.get("items"), list):
            return None, []
        try:
            return known, [parse(item) for item in known["items"]]
        except GitHubShapeError:
            return None, []  # a state from an older shape: read the page afresh


def read_github_org(org: str, *, client: GitHubClient, state: Mapping[str, Any]) -> tuple[OrgSnapshot, dict[str, Any]]:
    """The organization as GitHub has it now, and the state to keep for the next read."""
    known = state.get("pages")
    pages = _Pages(client, known if isinstance(known, dict) else {})
    base = f"/orgs/{quote(org, safe='')}"
    listed = pages.read(f"{base}/teams", "team", parse_team)
    if listed is None:
        raise GitHubError(f"GitHub has no organization {org!r}, or the credentials cannot see its teams.")
    teams = tuple(sorted(listed, key=lambda team: team.slug))
    parents = {team.parent_slug for team in teams if team.parent_slug}
    members: dict[str, tuple[str, ...]] = {}
    repositories: dict[str, tuple[TeamRepository, ...]] = {}
    for team in teams:
        if team.slug in parents:
            continue  # a parent team's members include its child teams' members: it becomes a group
        team_path = f"{base}/teams/{quote(team.slug, safe='')}"
        members[team.slug] = tuple(sorted(pages.read(f"{team_path}/members", "member", parse_member) or [], key=str.lower))
        managed = pages.read(f"{team_path}/repos", "repository", parse_team_repository) or []
        repositories[team.slug] = tuple(repo for repo in managed if repo is not None)
    snapshot = OrgSnapshot(org, teams, members, repositories, fresh_pages=pages.fresh)
    return snapshot, {"pages": pages.seen}
