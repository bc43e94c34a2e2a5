"""An organization's teams, memberships and repositories synced with its GitHub organization, through the
catalog sync: the same dry run, the same idempotence by ref, the same `--prune`.

GitHub teams nest; as with catalog groups, the teams without child teams become teams, their parents become
groups, and anything higher is left out. A team's repositories are those it may administer or maintain.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from assessor.catalog.entities import CatalogPlan, GroupPlan, MemberPlan, RepositoryPlan, TeamPlan, parse_kind_types
from assessor.catalog.sync import ORIGIN_MARK, SyncReport, catalog_sync
from assessor.models import Membership, Organization
from collectors import conf
from collectors.github_client import GitHubClient, github_auth
from collectors.github_org import OrgSnapshot, read_github_org
from collectors.models import SourceState
from collectors.models.runs import Collector

DEFAULT_KIND = "application"


@dataclass(frozen=True)
class GitHubOrgSync:
    report: SyncReport
    api_calls: int
    fresh_pages: int


def origin_for(org: str) -> str:
    return f"github-org:{org.lower()}"


def state_key(org: str) -> str:
    """The SourceState key of an organization's read (the column holds 40 characters)."""
    key = f"org:{org.lower()}"
    return key if len(key) <= 40 else f"org:{hashlib.sha256(org.lower().encode()).hexdigest()[:36]}"


def plan_github_org(
    snapshot: OrgSnapshot, *, kinds: Mapping[str, str], existing_kinds: Mapping[str, str], usernames: Mapping[str, str]
) -> CatalogPlan:
    """The plan for the catalog sync. A team's kind comes from `kinds` (by slug), else stays what it is, else
    is `application`; a login becomes the username in `usernames` (by lower-case login), else itself."""
    origin = origin_for(snapshot.org)

    def ref(kind: str, name: str) -> str:
        return f"{origin}{ORIGIN_MARK}{kind}/{name.lower()}"

    by_slug = {team.slug: team for team in snapshot.teams}
    parents = {team.parent_slug for team in snapshot.teams if team.parent_slug}
    leaves = [team for team in snapshot.teams if team.slug not in parents]
    group_slugs = {team.parent_slug for team in leaves if team.parent_slug in by_slug}
    notes = [f"team {slug}: above the groups of teams, left out" for slug in sorted(parents & set(by_slug) - group_slugs)]
    groups = tuple(GroupPlan(ref("team", slug), slug[:80], by_slug[slug].name[:200]) for slug in sorted(group_slugs))
    teams = tuple(
        TeamPlan(
            ref=ref("team", team.slug),
            slug=team.slug[:80],
            name=team.name[:200],
            kind=kinds.get(team.slug.lower()) or existing_kinds.get(team.slug[:80]) or DEFAULT_KIND,
            description=team.description,
            group_ref=ref("team", team.parent_slug) if team.parent_slug in group_slugs else None,
        )
        for team in leaves
    )
    members = tuple(
        MemberPlan(
            ref=f"{ref('member', login)}>{team.slug.lower()}",
            username=usernames.get(login.lower(), login),
            email="",
            github_login=login,
            team_ref=ref("team", team.slug),
        )
        for team in leaves
        for login in snapshot.members.get(team.slug, ())
    )
    managers: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for team in leaves:
        for repo in snapshot.repositories.get(team.slug, ()):
            managers[repo.full_name.lower()].append((0 if repo.role == "admin" else 1, team.slug, repo.full_name, repo.name))
    repositories = []
    for key, candidates in sorted(managers.items()):
        _, slug, full_name, name = min(candidates)
        repositories.append(RepositoryPlan(ref("repo", key), name[:200], full_name, ref("team", slug)))
        notes.extend(
            f"repository {full_name}: {other} may also manage it; it stays with {slug}"
            for _, other, _, _ in sorted(candidates)
            if other != slug
        )
    return CatalogPlan(groups=groups, teams=teams, members=members, repositories=tuple(repositories), notes=tuple(notes))


def _usernames(organization: Organization, logins: set[str]) -> dict[str, str]:
    """Lower-case GitHub login → the username of the person already known by it (membership first)."""
    lowered = {login.lower() for login in logins}
    found = {
        user.username.lower(): user.username
        for user in get_user_model().objects.filter(username__in=logins | lowered).only("username")
    }
    known = Membership.objects.filter(organization=organization).exclude(github_login="").select_related("user")
    for membership in known.only("github_login", "user__username"):
        if membership.github_login.lower() in lowered:
            found[membership.github_login.lower()] = membership.user.username
    return found


def team_kinds() -> dict[str, str]:
    try:
        return parse_kind_types(conf.github_org_team_kinds())
    except ValueError as exc:
        raise ImproperlyConfigured(f"GITHUB_ORG_TEAM_KINDS: {exc}") from exc


def github_org_sync(
    *, organization: Organization, org: str, dry_run: bool, prune: bool, client: GitHubClient | None = None
) -> GitHubOrgSync:
    """Read the GitHub organization `org` (conditionally, from the state of the last read) and sync with it.
    A dry run changes nothing, the stored state of the read included. Raises GitHubError when GitHub cannot
    be read whole: then nothing is changed."""
    kinds = team_kinds()
    client = client or GitHubClient(auth=github_auth(), max_calls=conf.github_org_max_calls())
    key = state_key(org)
    stored = SourceState.objects.filter(source_key=key, collector=Collector.GITHUB).first()
    snapshot, state = read_github_org(org, client=client, state=stored.data if stored else {})
    logins = {login for team_logins in snapshot.members.values() for login in team_logins}
    plan = plan_github_org(
        snapshot,
        kinds=kinds,
        existing_kinds=dict(organization.teams.values_list("slug", "kind")),
        usernames=_usernames(organization, logins),
    )
    report = catalog_sync(organization=organization, plan=plan, dry_run=dry_run, prune=prune, origin=origin_for(org))
    if not dry_run:
        SourceState.objects.update_or_create(source_key=key, collector=Collector.GITHUB, defaults={"data": state})
    return GitHubOrgSync(report, client.calls, snapshot.fresh_pages)
