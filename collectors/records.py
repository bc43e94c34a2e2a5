"""Plain frozen records that adapters return and services store: signals, skips and run outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from collectors.errors import CollectorError


@dataclass(frozen=True)
class SignalRecord:
    """One observed fact about a source. `team_slug` names another team (a namespace's owner); empty means the source's team."""

    key: str
    value: Any
    detail: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""
    namespace: str = ""
    team_slug: str = ""
    endpoint: str = ""
    observed_at: datetime | None = None


@dataclass(frozen=True)
class Skipped:
    """Something a collector did not look at or could not use, and why."""

    what: str
    reason: str


@dataclass(frozen=True)
class IssueRecord:
    """A GitHub issue (or pull request) as far as the collectors need it."""

    number: int
    title: str
    body: str
    author: str
    url: str
    created_at: datetime | None
    closed_at: datetime | None
    merged_at: datetime | None = None
    is_pull_request: bool = False
    labels: tuple[str, ...] = ()
    base: str = ""
    author_association: str = ""  # GitHub's word for the author's tie to the repository: OWNER, MEMBER, NONE...


@dataclass(frozen=True)
class Outcome:
    """What one collection produced. An error with signals means a partial run; without, a failed one."""

    signals: tuple[SignalRecord, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    source_url: str = ""
    api_calls: int = 0
    rate_limit_remaining: int | None = None
    error: CollectorError | None = None
    unchanged: bool = False
    complete: bool = True  # observed the whole signal set (a failed or skipped part makes it False)
    state: Mapping[str, Any] | None = None
    survey_issues: tuple[IssueRecord, ...] = ()
