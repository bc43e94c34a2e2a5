"""A local stand-in for the GitHub REST API on a real loopback HTTP server (pytest-httpserver), answering
the way GitHub does, from small hand-written JSON shaped like GitHub's documented and recorded answers.

What it copies from GitHub:
- lists page with `per_page` (default 30, at most 100) and `page`, with a `Link` header of `rel="prev"`,
  `"next"`, `"last"`, `"first"` URLs of the form `/repositories/ID/...` (as GitHub writes them);
- the issues list holds pull requests too (marked by a `pull_request` key) and filters by `state`
  (default open) and `labels` (all must match); pulls and issues sort by `sort` and `direction`;
- a tree listing is cut at `tree_limit` entries with `"truncated": true`; a missing blob is a 404;
- a renamed repository (`renamed_from`) answers its old name with 301 and `Location` on `/repositories/ID`;
- an empty repository answers 409 "Git Repository is empty." on commits and trees, 404 on its branch;
- every answer carries X-RateLimit-* headers; a 304 to a conditional request costs no point;
- faults: any status for a path (`fail`), a primary (`primary_limit`) or secondary (`secondary_limit`) limit;
- an organization's teams (`/orgs/ORG/teams`, each with its `parent` team), a team's members and a team's
  repositories (`/orgs/ORG/teams/SLUG/members`, `.../repos`, each repository with the `permissions` object
  `admin`/`maintain`/`push`/`triage`/`pull` and `role_name` of the team's right), paged with Link URLs of the
  form `/organizations/ORG_ID/team/TEAM_ID/...` as GitHub writes them; `max_page_size` lowers GitHub's 100.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
FULL_NAME = "northwind/platform-config"
DOCS = "https://docs.github.com/rest"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0400:3B2C:1A2B3C:4D5E6F:65A1B2C3."
)

PLATFORM_FILES = {
    "README.md": "# Platform config\n",
    "CODEOWNERS": "* @northwind/developer-platform\n",
    "CONTRIBUTING.md": "# Contributing\n",
    "catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\nspec: {owner: group:platform}\n",
    "templates/service/template.yaml": "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: svc}\n",
    "argocd/apps/portal.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: portal}\n",
    "crossplane/xrd.yaml": "apiVersion: apiextensions.crossplane.io/v1\nkind: CompositeResourceDefinition\nmetadata: {name: x}\n",
    "terraform/main.tf": "terraform {}\n",
    ".github/workflows/ci.yml": "name: ci\non: push\n",
    ".github/dependabot.yml": "version: 2\n",
    "docs/index.md": "# Docs\n",
}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def deployments_every(count: int, *, hours: float, until: datetime, environment: str = "production") -> list[dict[str, Any]]:
    """`count` deployments, newest first, one every `hours` back from `until`, shaped like fixtures/deployments.json."""
    template = fixture("deployments.json")[0]
    made = []
    for index in range(count):
        at = stamp(until - timedelta(hours=hours * index))
        number = 10_000 + count - index
        made.append(
            {**template, "id": number, "node_id": f"DE_{number}", "sha": f"{number:07x}", "environment": environment,
             "original_environment": environment, "production_environment": environment == "production",
             "created_at": at, "updated_at": at, "url": template["url"].rsplit("/", 1)[0] + f"/{number}"}
        )  # fmt: skip
    return made


def issues_every(
    count: int, *, hours: float, until: datetime, login: str = "emma", labels: tuple[str, ...] = (), first_number: int = 1000
) -> list[dict[str, Any]]:
    """`count` issues, newest first, shaped like fixtures/issues.json."""
    template = fixture("issues.json")[1]
    made = []
    for index in range(count):
        at = stamp(until - timedelta(hours=hours * index))
        number = first_number + count - index
        made.append(
            {**template, "number": number, "id": 80_000 + number, "title": f"Request {number}",
             "user": {**template["user"], "login": login},
             "labels": [{**template["labels"][0], "name": name} for name in labels], "state": "open", "closed_at": None,
             "created_at": at, "updated_at": at, "html_url": template["html_url"].rsplit("/", 1)[0] + f"/{number}"}
        )  # fmt: skip
    return made


def pulls_every(
    count: int, *, hours: float, until: datetime, login: str = "jonas", first_number: int = 3000
) -> list[dict[str, Any]]:
    """`count` pull requests merged into main, newest first, each open two hours, shaped like fixtures/pulls.json."""
    template = fixture("pulls.json")[0]
    made = []
    for index in range(count):
        merged = until - timedelta(hours=hours * index)
        number = first_number + count - index
        made.append(
            {**template, "number": number, "id": 50_000 + number, "user": {**template["user"], "login": login},
             "created_at": stamp(merged - timedelta(hours=2)), "updated_at": stamp(merged), "closed_at": stamp(merged),
             "merged_at": stamp(merged), "html_url": template["html_url"].rsplit("/", 1)[0] + f"/{number}"}
        )  # fmt: skip
    return made


def _date(item: dict[str, Any], key: str) -> str:
    return str(item.get(key) or "")


@dataclass
class FakeGitHub:
    files: dict[str, str] = field(default_factory=lambda: dict(PLATFORM_FILES))
    repo: dict[str, Any] = field(default_factory=lambda: fixture("repo.json"))
    branch: dict[str, Any] = field(default_factory=lambda: fixture("branch.json"))
    deployments: list[Any] = field(default_factory=lambda: fixture("deployments.json"))
    statuses: dict[str, Any] = field(default_factory=lambda: fixture("deployment-statuses.json"))
    workflow_runs: list[Any] = field(default_factory=lambda: fixture("workflow-runs.json"))
    releases: list[Any] = field(default_factory=lambda: fixture("releases.json"))
    pulls: list[Any] = field(default_factory=lambda: fixture("pulls.json"))
    issues: list[Any] = field(default_factory=lambda: fixture("issues.json"))
    empty: bool = False
    renamed_from: str = ""
    tree_limit: int | None = None
    missing_blobs: set[str] = field(default_factory=set)
    rate_limit: int = 5000
    organization: dict[str, Any] = field(default_factory=lambda: fixture("org.json"))
    teams: list[Any] = field(default_factory=lambda: fixture("org-teams.json"))
    team_members: dict[str, list[Any]] = field(default_factory=lambda: fixture("org-team-members.json"))
    team_repos: dict[str, list[Any]] = field(default_factory=lambda: fixture("org-team-repos.json"))
    max_page_size: int = 100
    api_prefix: str = ""  # "/api/v3" answers as GitHub Enterprise Server does, below its API root
    requests: list[tuple[str, int]] = field(default_factory=list)
    faults: dict[str, Callable[[Request], Response]] = field(default_factory=dict)

    def install(self, httpserver: Any) -> str:
        httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("/").rstrip("/")

    @property
    def points_used(self) -> int:
        return 5000 - self.rate_limit

    def calls_to(self, fragment: str) -> int:
        return sum(1 for path, _ in self.requests if fragment in path)

    def set_head(self, sha: str) -> None:
        """A push: the branch moves and the repository's pushed_at with it."""
        self.branch = {**self.branch, "commit": {**self.branch["commit"], "sha": sha}}
        self.repo = {**self.repo, "pushed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ")}

    def rename(self, new_full_name: str) -> None:
        """The repository is renamed: its old name now redirects."""
        self.renamed_from = self.repo["full_name"]
        name = new_full_name.split("/")[1]
        self.repo = {**self.repo, "full_name": new_full_name, "name": name, "html_url": f"https://github.com/{new_full_name}"}

    def make_empty(self) -> None:
        """A repository created without any commit (GitHub still reports a default branch)."""
        self.empty = True
        self.files = {}
        self.pulls, self.deployments, self.workflow_runs, self.releases = [], [], [], []
        self.repo = {**self.repo, "size": 0, "pushed_at": self.repo["created_at"]}

    # Faults -------------------------------------------------------------------------------------------------

    def fail(
        self, fragment: str, status: int, body: Any = None, headers: dict[str, str] | None = None, *, times: int | None = None
    ) -> None:
        """Answer requests whose path contains `fragment` with this status (`times` times, or from now on)."""
        text = body if isinstance(body, str) else json.dumps(body or {"message": "Server Error"})
        left = [times]

        def answer(_request: Request) -> Response:
            if left[0] is not None:
                left[0] -= 1
                if left[0] <= 0:
                    del self.faults[fragment]
            return Response(text, status=status, headers={**self._limits(), **(headers or {})}, content_type="application/json")

        self.faults[fragment] = answer

    def primary_limit(self, fragment: str, *, reset_in: int = 1800, status: int = 403) -> None:
        reset = str(int(time.time()) + reset_in)
        self.rate_limit = 0
        body = {"message": "API rate limit exceeded for installation ID 34.", "documentation_url": f"{DOCS}/rate-limit"}
        self.fail(fragment, status, body, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})

    def secondary_limit(self, fragment: str, *, times: int | None = None) -> None:
        body = {"message": SECONDARY_MESSAGE, "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api"}
        self.fail(fragment, 403, body, times=times)

    def delay(self, fragment: str, seconds: float) -> None:
        """Answer requests whose path contains `fragment` only after a pause (to trip the client's timeout)."""

        def answer(request: Request) -> Response:
            time.sleep(seconds)
            del self.faults[fragment]
            return self.handle(request)

        self.faults[fragment] = answer

    # Answers ------------------------------------------------------------------------------------------------

    def _limits(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(self.rate_limit),
            "X-RateLimit-Reset": str(int(time.time()) + 3600),
            "X-RateLimit-Used": str(self.points_used),
            "X-RateLimit-Resource": "core",
        }

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
        return Response(
            json.dumps(data), status=status, headers={**self._limits(), **(headers or {})}, content_type="application/json"
        )

    def _error(self, status: int, message: str, docs: str = DOCS) -> tuple[int, Any]:
        return status, {"message": message, "documentation_url": docs, "status": str(status)}

    def _page(self, request: Request, items: list[Any], rest: str, base: str = "") -> tuple[list[Any], dict[str, str]]:
        """One page of `items` as GitHub cuts it, and its Link header (URLs below `base`, else the repository's)."""
        per_page = request.args.get("per_page", "")
        size = min(int(per_page), 100, self.max_page_size) if per_page.isdigit() and int(per_page) > 0 else 30
        size = min(size, self.max_page_size)
        base = base or f"repositories/{self.repo['id']}"
        page_arg = request.args.get("page", "")
        page = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
        last = max(1, -(-len(items) // size))
        chunk = items[(page - 1) * size : page * size]
        if last == 1:
            return chunk, {}
        kept = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

        def url(number: int) -> str:
            root = f"{request.host_url}{self.api_prefix.strip('/')}/" if self.api_prefix else request.host_url
            return f"{root}{base}{rest}?{urlencode([*kept, ('page', number)])}"

        links = []
        if page > 1:
            links.append(f'<{url(page - 1)}>; rel="prev"')
        if page < last:
            links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        return chunk, {"Link": ", ".join(links)}

    def _as_issue(self, pull: dict[str, Any]) -> dict[str, Any]:
        """A pull request as the issues list shows it."""
        issue = {k: v for k, v in pull.items() if k not in ("merged_at", "base", "head", "draft")}
        issue["pull_request"] = {"url": pull["url"], "html_url": pull["html_url"], "merged_at": pull.get("merged_at")}
        return issue

    def _sorted(self, request: Request, items: list[Any], *, pulls: bool) -> list[Any]:
        sort = request.args.get("sort", "created")
        key = {"created": "created_at", "updated": "updated_at"}.get(sort, "created_at")
        default = "desc" if not pulls or sort == "created" else "asc"
        return sorted(items, key=lambda i: _date(i, key), reverse=request.args.get("direction", default) == "desc")

    def _by_state(self, request: Request, items: list[Any]) -> list[Any]:
        wanted = request.args.get("state", "open")
        return items if wanted == "all" else [i for i in items if i.get("state") == wanted]

    def _issues(self, request: Request) -> list[Any]:
        listed = self._by_state(request, [*self.issues, *(self._as_issue(p) for p in self.pulls)])
        wanted = {name.strip().lower() for name in request.args.get("labels", "").split(",") if name.strip()}
        if wanted:
            listed = [i for i in listed if wanted <= {label["name"].lower() for label in i.get("labels", [])}]
        return self._sorted(request, listed, pulls=False)

    def _tree(self, request: Request) -> dict[str, Any]:
        paths = sorted(self.files)
        if not request.args.get("recursive"):
            paths = sorted({p.split("/", 1)[0] for p in paths})
        entries = []
        directories = {p.rsplit("/", depth)[0] for p in paths for depth in range(1, p.count("/") + 1)}
        for directory in sorted(directories):
            entries.append({"path": directory, "mode": "040000", "type": "tree", "sha": _sha(directory)})
        for path in paths:
            if path in self.files:
                text = self.files[path]
                entries.append({"path": path, "mode": "100644", "type": "blob", "sha": _sha(text), "size": len(text.encode())})
            else:
                entries.append({"path": path, "mode": "040000", "type": "tree", "sha": _sha(path)})
        truncated = self.tree_limit is not None and len(entries) > self.tree_limit
        head = self.branch["commit"]["sha"]
        listed = entries[: self.tree_limit] if truncated else entries
        return {"sha": head, "url": f"/repos/{FULL_NAME}/git/trees/{head}", "tree": listed, "truncated": truncated}

    def _blob(self, sha: str) -> dict[str, Any] | None:
        for path, text in self.files.items():
            if _sha(text) == sha and path not in self.missing_blobs:
                content = base64.b64encode(text.encode()).decode()
                return {
                    "sha": sha,
                    "node_id": f"B_{sha[:8]}",
                    "size": len(text.encode()),
                    "encoding": "base64",
                    "content": content,
                }
        return None

    def _route(self, request: Request, rest: str) -> tuple[int, Any, dict[str, str]]:
        """(status, body, headers) for a path below the repository (`rest` is "" for the repository itself)."""
        if rest == "":
            return 200, self.repo, {}
        if rest.startswith("/branches/"):
            if self.empty or rest != f"/branches/{self.repo['default_branch']}":
                return (*self._error(404, "Branch not found", f"{DOCS}/branches/branches#get-a-branch"), {})
            return 200, self.branch, {}
        if rest == "/commits" or rest.startswith("/git/trees/"):
            if self.empty:
                return (*self._error(409, "Git Repository is empty.", f"{DOCS}/commits/commits#list-commits"), {})
            if rest.startswith("/git/trees/"):
                return 200, self._tree(request), {}
            listed: list[Any] = [{"sha": self.branch["commit"]["sha"], "commit": self.branch["commit"]["commit"]}]
        elif rest.startswith("/git/blobs/"):
            blob = self._blob(rest.rsplit("/", 1)[1])
            return (200, blob, {}) if blob else (*self._error(404, "Not Found", f"{DOCS}/git/blobs#get-a-blob"), {})
        elif rest == "/pulls":
            listed = self._sorted(request, self._by_state(request, self.pulls), pulls=True)
        elif rest == "/issues":
            listed = self._issues(request)
        elif rest == "/deployments":
            listed = sorted(self.deployments, key=lambda d: d["id"], reverse=True)
        elif match := re.fullmatch(r"/deployments/(\d+)/statuses", rest):
            listed = list(self.statuses.get(match.group(1), []))
        elif rest == "/releases":
            listed = sorted(self.releases, key=lambda r: _date(r, "created_at"), reverse=True)
        elif rest == "/actions/runs":
            runs = [r for r in self.workflow_runs if request.args.get("branch") in (None, r.get("head_branch"))]
            if request.args.get("status") == "completed":
                runs = [r for r in runs if r.get("status") == "completed"]
            chunk, headers = self._page(request, sorted(runs, key=lambda r: r["id"], reverse=True), rest)
            return 200, {"total_count": len(runs), "workflow_runs": chunk}, headers
        else:
            return (*self._error(404, "Not Found"), {})
        chunk, headers = self._page(request, listed, rest)
        return 200, chunk, headers

    # Organizations ------------------------------------------------------------------------------------------

    def add_team(self, slug: str, *, parent: str | None = None, members: tuple[str, ...] = ()) -> None:
        """A new team (shaped like the fixture's), with members who have the fixture's user shape."""
        template = {k: v for k, v in self.teams[0].items() if k != "parent"}
        number = max(team["id"] for team in self.teams) + 1
        made = {**template, "id": number, "node_id": f"T_{number}", "slug": slug, "name": slug.replace("-", " ").title(),
                "html_url": template["html_url"].rsplit("/", 1)[0] + f"/{slug}", "description": ""}  # fmt: skip
        parent_team = next((team for team in self.teams if team["slug"] == parent), None)
        made["parent"] = {k: v for k, v in parent_team.items() if k != "parent"} if parent_team else None
        self.teams.append(made)
        user = next(iter(self.team_members.values()))[0]
        self.team_members[slug] = [
            {**user, "login": login, "id": 700 + i, "node_id": f"U_{700 + i}"} for i, login in enumerate(members)
        ]
        self.team_repos[slug] = []

    def _org_route(self, request: Request) -> tuple[int, Any, dict[str, str]] | None:
        """(status, body, headers) for the organization's team endpoints, or None when the path is not one."""
        login, org_id = self.organization["login"], self.organization["id"]
        if not request.path.startswith(self.api_prefix):
            return None
        path = request.path[len(self.api_prefix) :]
        by_name = re.fullmatch(r"/orgs/([^/]+)/teams(?:/([^/]+)/(members|repos))?", path)
        by_id = re.fullmatch(r"/organizations/(\d+)/team(?:s|/(\d+)/(members|repos))", path)
        if by_name:
            if by_name.group(1).lower() != login.lower():
                return (*self._error(404, "Not Found", f"{DOCS}/teams/teams#list-teams"), {})
            team = next((t for t in self.teams if t["slug"] == by_name.group(2)), None) if by_name.group(2) else None
            part = by_name.group(3)
        elif by_id and by_id.group(1) == str(org_id):
            team = next((t for t in self.teams if str(t["id"]) == by_id.group(2)), None) if by_id.group(2) else None
            part = by_id.group(3)
        else:
            return None
        if part is None:
            chunk, headers = self._page(request, self.teams, "/teams", f"organizations/{org_id}")
            return 200, chunk, headers
        if team is None:
            return (*self._error(404, "Not Found", f"{DOCS}/teams/members#list-team-members"), {})
        listed = self.team_members.get(team["slug"], []) if part == "members" else self.team_repos.get(team["slug"], [])
        chunk, headers = self._page(request, listed, f"/{part}", f"organizations/{org_id}/team/{team['id']}")
        return 200, chunk, headers

    def handle(self, request: Request) -> Response:
        recorded = request.full_path.rstrip("?")
        for fragment, answer in self.faults.items():
            if fragment in request.path:
                self.requests.append((recorded, -1))
                return answer(request)
        if re.fullmatch(r"/app/installations/\d+/access_tokens", request.path) and request.method == "POST":
            self.requests.append((recorded, 201))
            expires = stamp(datetime.now(UTC) + timedelta(hours=1))
            return self._json(201, {"token": "ghs_installation", "expires_at": expires, "permissions": {"issues": "read"},
                                    "repository_selection": "selected"})  # fmt: skip
        old = f"/repos/{self.renamed_from}"
        if self.renamed_from and (request.path == old or request.path.startswith(old + "/")):
            self.rate_limit -= 1
            self.requests.append((recorded, 301))
            target = f"{request.host_url}repositories/{self.repo['id']}{request.path[len(old) :]}"
            target += f"?{request.query_string.decode()}" if request.query_string else ""
            body = {
                "message": "Moved Permanently",
                "url": target,
                "documentation_url": "https://docs.github.com/v3/#http-redirects",
            }
            return self._json(301, body, {"Location": target})
        match = re.fullmatch(rf"(/repos/{re.escape(self.repo['full_name'])}|/repositories/{self.repo['id']})(/.*)?", request.path)
        routed = self._org_route(request)
        if routed is not None:
            status, data, headers = routed
        elif match:
            status, data, headers = self._route(request, match.group(2) or "")
        else:
            status, data, headers = (*self._error(404, "Not Found"), {})
        if status != 200:
            self.rate_limit -= 1
            self.requests.append((recorded, status))
            return self._json(status, data, headers)
        text = json.dumps(data)
        etag = f'W/"{_sha(request.full_path + text)}"'
        if request.headers.get("If-None-Match") == etag:
            self.requests.append((recorded, 304))
            return Response(status=304, headers={**self._limits(), "ETag": etag})
        self.rate_limit -= 1
        self.requests.append((recorded, 200))
        return Response(text, status=200, headers={**self._limits(), **headers, "ETag": etag}, content_type="application/json")
