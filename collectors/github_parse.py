"""Pure parsers for GitHub REST API answers, into this project's records; bad shapes raise GitHubShapeError."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collectors.delivery import DeliveryEvent, MergedChange
from collectors.records import IssueRecord

DEPLOY_WORKFLOW = re.compile(r"deploy|release|publish|deliver|(^|[^a-z])cd([^a-z]|$)", re.IGNORECASE)
PRODUCTION_NAMES = re.compile(r"^(prod|production|live)([-_ ].*)?$", re.IGNORECASE)


class GitHubShapeError(ValueError):
    """An answer did not have the shape the GitHub REST API documents."""


@dataclass(frozen=True)
class RepositoryInfo:
    full_name: str
    default_branch: str
    html_url: str
    archived: bool
    id: int = 0


@dataclass(frozen=True)
class TreeFile:
    path: str
    sha: str
    size: int


@dataclass(frozen=True)
class Deployment:
    id: int
    environment: str
    created_at: datetime
    sha: str
    production: bool


def _object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise GitHubShapeError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def _list(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise GitHubShapeError(f"{what}: expected a JSON list, got {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], key: str, what: str, *, required: bool = True) -> str:
    value = data.get(key)
    if isinstance(value, str):
        return value
    if value is None and not required:
        return ""
    raise GitHubShapeError(f"{what}: '{key}' should be a string")


def _time(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise GitHubShapeError(f"{what}: a date should be a string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GitHubShapeError(f"{what}: {value!r} is not a date") from exc
    if parsed.tzinfo is None:
        raise GitHubShapeError(f"{what}: {value!r} has no time zone")
    return parsed


def _list_or_empty(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _object_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _login(data: Mapping[str, Any]) -> str:
    user = data.get("user")
    return user.get("login", "") if isinstance(user, dict) and isinstance(user.get("login"), str) else ""


def parse_repository(data: Any) -> RepositoryInfo:
    repo = _object(data, "repository")
    return RepositoryInfo(
        full_name=_str(repo, "full_name", "repository"),
        default_branch=_str(repo, "default_branch", "repository"),
        html_url=_str(repo, "html_url", "repository", required=False),
        archived=bool(repo.get("archived")),
        id=repo["id"] if isinstance(repo.get("id"), int) else 0,
    )


def parse_branch_head(data: Any) -> str:
    branch = _object(data, "branch")
    commit = _object(branch.get("commit"), "branch commit")
    return _str(commit, "sha", "branch commit")


def parse_tree(data: Any) -> tuple[list[TreeFile], bool]:
    """The blobs of a recursive tree listing, and whether GitHub cut the listing short."""
    tree = _object(data, "tree")
    files = []
    for entry in _list(tree.get("tree"), "tree entries"):
        item = _object(entry, "tree entry")
        if item.get("type") != "blob":
            continue
        size = item.get("size")
        files.append(
            TreeFile(_str(item, "path", "tree entry"), _str(item, "sha", "tree entry"), size if isinstance(size, int) else 0)
        )
    return files, bool(tree.get("truncated"))


def parse_blob(data: Any) -> str:
    blob = _object(data, "blob")
    content = _str(blob, "content", "blob")
    if blob.get("encoding") != "base64":
        return content
    try:
        return base64.b64decode(content).decode("utf-8", "replace")
    except (binascii.Error, ValueError) as exc:
        raise GitHubShapeError("blob: content is not valid base64") from exc


def parse_deployments(data: Any) -> list[Deployment]:
    deployments = []
    for entry in _list(data, "deployments"):
        item = _object(entry, "deployment")
        identifier = item.get("id")
        created = _time(item.get("created_at"), "deployment")
        if not isinstance(identifier, int) or created is None:
            raise GitHubShapeError("deployment: needs an id and a created_at date")
        environment = _str(item, "environment", "deployment", required=False)
        production = bool(item.get("production_environment")) or bool(PRODUCTION_NAMES.match(environment))
        deployments.append(
            Deployment(identifier, environment, created, _str(item, "sha", "deployment", required=False), production)
        )
    return deployments


def parse_deployment_outcome(data: Any) -> str | None:
    """The latest status of a deployment as success, failure, or None while unknown or in progress."""
    statuses = _list(data, "deployment statuses")
    if not statuses:
        return None
    state = _object(statuses[0], "deployment status").get("state")
    if state == "success":
        return "success"
    if state in ("failure", "error"):
        return "failure"
    return None


def parse_deploy_workflow_runs(data: Any) -> list[DeliveryEvent]:
    """Finished runs of deploy workflows, from the `workflow_runs` items of one or more pages (or a whole answer)."""
    runs = _list(_object(data, "workflow runs").get("workflow_runs") if isinstance(data, dict) else data, "workflow runs")
    events = []
    for entry in runs:
        run = _object(entry, "workflow run")
        label = f"{run.get('name') or ''} {run.get('path') or ''}"
        if not DEPLOY_WORKFLOW.search(label):
            continue
        outcome = {"success": "success", "failure": "failure"}.get(str(run.get("conclusion")))
        at = _time(run.get("updated_at") or run.get("created_at"), "workflow run")
        if outcome and at:
            events.append(DeliveryEvent(at, outcome, _str(run, "head_sha", "workflow run", required=False)))
    return events


def parse_releases(data: Any) -> list[DeliveryEvent]:
    events = []
    for entry in _list(data, "releases"):
        release = _object(entry, "release")
        at = _time(release.get("published_at"), "release")
        if at and not release.get("draft"):
            events.append(DeliveryEvent(at))
    return events


def parse_issues(data: Any) -> list[IssueRecord]:
    """Issues or pull requests from a list endpoint (the issues list includes pull requests, marked as such)."""
    records = []
    for entry in _list(data, "issues"):
        item = _object(entry, "issue")
        number = item.get("number")
        if not isinstance(number, int):
            raise GitHubShapeError("issue: 'number' should be a whole number")
        labels = _list_or_empty(item.get("labels"))
        base = _object_or_empty(item.get("base"))
        records.append(
            IssueRecord(
                number=number,
                title=_str(item, "title", "issue", required=False),
                body=_str(item, "body", "issue", required=False),
                author=_login(item),
                url=_str(item, "html_url", "issue", required=False),
                created_at=_time(item.get("created_at"), "issue"),
                closed_at=_time(item.get("closed_at"), "issue"),
                merged_at=_time(item.get("merged_at"), "issue"),
                is_pull_request="pull_request" in item or "merged_at" in item,
                labels=tuple(label["name"] for label in labels if isinstance(label, dict) and isinstance(label.get("name"), str)),
                base=base.get("ref", "") if isinstance(base.get("ref"), str) else "",
                author_association=_association(item.get("author_association")),
            )
        )
    return records


def _association(value: Any) -> str:
    """GitHub's author_association, upper case and bounded; anything else counts as unknown (empty)."""
    return value.upper()[:40] if isinstance(value, str) else ""


def merged_changes(pulls: list[IssueRecord], *, into: str) -> list[MergedChange]:
    return [MergedChange(p.created_at, p.merged_at) for p in pulls if p.created_at and p.merged_at and p.base in ("", into)]
