"""A local stand-in for the GitHub REST API, served by pytest-httpserver from small hand-written JSON.

It answers conditional requests with 304 (which, like GitHub, costs no rate-limit point), counts
every request, and lets a test inject faults for a path.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "github"
FULL_NAME = "northwind/platform-config"

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


@dataclass
class FakeGitHub:
    files: dict[str, str] = field(default_factory=lambda: dict(PLATFORM_FILES))
    repo: dict[str, Any] = field(default_factory=lambda: fixture("repo.json"))
    branch: dict[str, Any] = field(default_factory=lambda: fixture("branch.json"))
    deployments: list[Any] = field(default_factory=lambda: fixture("deployments.json"))
    statuses: dict[str, Any] = field(default_factory=lambda: fixture("deployment-statuses.json"))
    workflow_runs: dict[str, Any] = field(default_factory=lambda: fixture("workflow-runs.json"))
    releases: list[Any] = field(default_factory=lambda: fixture("releases.json"))
    pulls: list[Any] = field(default_factory=lambda: fixture("pulls.json"))
    issues: list[Any] = field(default_factory=lambda: fixture("issues.json"))
    survey_issues: list[Any] = field(default_factory=lambda: fixture("survey-issues.json"))
    rate_limit: int = 5000
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
        self.branch = {**self.branch, "commit": {**self.branch["commit"], "sha": sha}}
        self.repo = {**self.repo, "pushed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ")}

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
            return Response(text, status=status, headers=headers or {}, content_type="application/json")

        self.faults[fragment] = answer

    def delay(self, fragment: str, seconds: float) -> None:
        """Answer requests whose path contains `fragment` only after a pause (to trip the client's timeout)."""

        def answer(request: Request) -> Response:
            time.sleep(seconds)
            del self.faults[fragment]
            return self.handle(request)

        self.faults[fragment] = answer

    def _route(self, request: Request) -> Any:
        base = f"/repos/{FULL_NAME}"
        path = request.path
        tree = {path: _sha(text) for path, text in self.files.items()}
        routes: dict[str, Any] = {
            base: self.repo,
            f"{base}/branches/main": self.branch,
            f"{base}/deployments": self.deployments,
            f"{base}/actions/runs": self.workflow_runs,
            f"{base}/releases": self.releases,
            f"{base}/pulls": self.pulls,
        }
        if path in routes:
            return routes[path]
        if path == f"{base}/issues":
            return self.survey_issues if request.args.get("labels") else self.issues
        if path.startswith(f"{base}/git/trees/"):
            entries = [{"path": p, "type": "blob", "sha": s, "size": len(self.files[p])} for p, s in tree.items()]
            return {"sha": "tree", "tree": [*entries, {"path": "docs", "type": "tree", "sha": "d"}], "truncated": False}
        if path.startswith(f"{base}/git/blobs/"):
            wanted = path.rsplit("/", 1)[1]
            for name, sha in tree.items():
                if sha == wanted:
                    return {"sha": sha, "encoding": "base64", "content": base64.b64encode(self.files[name].encode()).decode()}
        if re.fullmatch(r"/app/installations/\d+/access_tokens", path):
            return {"token": "ghs_installation", "expires_at": "2099-01-01T00:00:00Z", "permissions": {}}
        match = re.fullmatch(rf"{base}/deployments/(\d+)/statuses", path)
        if match:
            return self.statuses.get(match.group(1), [])
        return None

    def handle(self, request: Request) -> Response:
        for fragment, answer in self.faults.items():
            if fragment in request.path:
                self.requests.append((request.path, -1))
                return answer(request)
        data = self._route(request)
        headers = {"X-RateLimit-Limit": "5000", "X-RateLimit-Reset": str(int(time.time()) + 3600)}
        if data is None:
            self.rate_limit -= 1
            self.requests.append((request.path, 404))
            headers["X-RateLimit-Remaining"] = str(self.rate_limit)
            return Response(json.dumps({"message": "Not Found"}), status=404, headers=headers, content_type="application/json")
        text = json.dumps(data)
        etag = f'W/"{_sha(request.full_path + text)}"'
        headers["ETag"] = etag
        if request.headers.get("If-None-Match") == etag:
            self.requests.append((request.path, 304))
            headers["X-RateLimit-Remaining"] = str(self.rate_limit)
            return Response(status=304, headers=headers)
        self.rate_limit -= 1
        self.requests.append((request.path, 200))
        headers["X-RateLimit-Remaining"] = str(self.rate_limit)
        return Response(text, status=200, headers=headers, content_type="application/json")
