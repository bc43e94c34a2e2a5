"""Reading one `git log` pass into commits, and commits into cadence, authorship and staleness signals."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from collectors.records import SignalRecord, Skipped

# %x1e starts a record, %x1f separates fields; --name-only then lists the files the commit touched.
LOG_FORMAT = "%x1e%H%x1f%at%x1f%aE%x1f%aN%x1f%P%x1f%s"
MIN_COMMITS_FOR_SHARES = 5
WEEKS = 26


@dataclass(frozen=True)
class Commit:
    sha: str
    authored_at: datetime
    author_email: str
    author_name: str
    parents: int
    subject: str
    files: tuple[str, ...] = ()

    @property
    def is_merge(self) -> bool:
        return self.parents > 1

    @property
    def is_revert(self) -> bool:
        return self.subject.startswith('Revert "') or self.subject.lower().startswith("revert ")

    @property
    def is_bot(self) -> bool:
        who = f"{self.author_name} {self.author_email}".lower()
        return "[bot]" in who or "dependabot" in who or "renovate" in who


def parse_git_log(text: str) -> list[Commit]:
    """Commits from `git log --format=LOG_FORMAT [--name-only]`, newest first; malformed records are skipped."""
    commits = []
    for record in text.split("\x1e"):
        if not record.strip():
            continue
        header, _, rest = record.partition("\n")
        fields = header.split("\x1f", 5)
        if len(fields) != 6:
            continue
        sha, authored, email, name, parents, subject = fields
        try:
            authored_at = datetime.fromtimestamp(int(authored), tz=UTC)
        except (ValueError, OverflowError, OSError):
            continue
        files = tuple(line for line in rest.split("\n") if line)
        commits.append(Commit(sha, authored_at, email.strip().lower(), name.strip(), len(parents.split()), subject, files))
    return commits


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _weekly_counts(commits: Sequence[Commit], now: datetime, weeks: int) -> list[int]:
    counts = [0] * weeks
    for commit in commits:
        age_weeks = int((now - commit.authored_at).total_seconds() // (7 * 86400))
        if 0 <= age_weeks < weeks:
            counts[age_weeks] += 1
    return counts


def history_signals(
    commits: Sequence[Commit],
    *,
    now: datetime,
    member_emails: Iterable[str],
    current_files: Mapping[str, Iterable[str]],
    tags: Sequence[datetime] = (),
    endpoint: str = "git log",
) -> tuple[list[SignalRecord], list[Skipped]]:
    """Cadence, authors, outside participation, reverts, tags and how stale the CI and IaC files are.

    `member_emails` are the owning team's members; none means outside participation is unknown.
    `current_files` maps a category (ci, iac, ...) to the paths of that category in the current tree.
    """
    signals: list[SignalRecord] = []
    skipped: list[Skipped] = []
    if not commits:
        return signals, [Skipped("history", "the repository has no commits yet")]

    def add(key: str, value: object, **detail: object) -> None:
        signals.append(SignalRecord(key=key, value=value, detail=detail, endpoint=endpoint))

    people = [c for c in commits if not c.is_bot]
    recent_90 = [c for c in commits if c.authored_at >= now - timedelta(days=90)]
    people_90 = [c for c in recent_90 if not c.is_bot]
    people_180 = [c for c in people if c.authored_at >= now - timedelta(days=180)]
    newest = max(c.authored_at for c in commits)
    oldest = min(c.authored_at for c in commits)

    add("history.commits_90d", len(recent_90), window_days=90)
    add("history.authors_90d", len({c.author_email for c in people_90}), window_days=90)
    add("history.days_since_last_commit", max(0, (now - newest).days))
    add("history.age_days", max(0, (now - oldest).days))
    add("history.merges_90d", sum(1 for c in recent_90 if c.is_merge), window_days=90)
    add("history.commits_per_week_180d", round(len(people_180) / 26, 2), window_days=180)

    weeks = max(1, min(WEEKS, (now - oldest).days // 7 + 1))
    weekly = _weekly_counts(people, now, weeks)
    add("history.active_weeks_share", _share(sum(1 for n in weekly if n), weeks), weeks=weeks)
    mean = statistics.fmean(weekly)
    add("history.weekly_variation", round(statistics.pstdev(weekly) / mean, 2) if mean else 0.0, weeks=weeks)

    if len(recent_90) >= MIN_COMMITS_FOR_SHARES:
        add("history.revert_share_90d", _share(sum(1 for c in recent_90 if c.is_revert), len(recent_90)), window_days=90)
        add("history.bot_commit_share_90d", _share(len(recent_90) - len(people_90), len(recent_90)), window_days=90)

    if len(people_180) >= MIN_COMMITS_FOR_SHARES:
        authors = Counter(c.author_email for c in people_180)
        _, top_count = authors.most_common(1)[0]
        add("history.top_author_share", _share(top_count, len(people_180)), window_days=180, authors=len(authors))
        members = {email.strip().lower() for email in member_emails if email and email.strip()}
        if members:
            outside = [c for c in people_180 if c.author_email not in members]
            add(
                "history.outside_share",
                _share(len(outside), len(people_180)),
                window_days=180,
                outside_authors=len({c.author_email for c in outside}),
                commits=len(people_180),
            )
        else:
            skipped.append(
                Skipped(
                    "history.outside_share", "no member of the owning team has an e-mail address, so outside commits are unknown"
                )
            )
    else:
        skipped.append(Skipped("history.top_author_share", f"fewer than {MIN_COMMITS_FOR_SHARES} commits by people in 180 days"))

    if tags:
        add("history.tags_180d", sum(1 for tag in tags if tag >= now - timedelta(days=180)), window_days=180)

    signals.extend(_staleness(commits, now=now, current_files=current_files, endpoint=endpoint))
    return signals, skipped


def _staleness(
    commits: Sequence[Commit], *, now: datetime, current_files: Mapping[str, Iterable[str]], endpoint: str
) -> list[SignalRecord]:
    wanted = {category: set(paths) for category, paths in current_files.items() if paths}
    last_touched: dict[str, datetime] = {}
    for commit in commits:  # newest first: the first commit touching a category's file is its last change
        if len(last_touched) == len(wanted):
            break
        for category, paths in wanted.items():
            if category not in last_touched and any(path in paths for path in commit.files):
                last_touched[category] = commit.authored_at
    return [
        SignalRecord(
            key=f"history.{category}_staleness_days",
            value=max(0, (now - when).days),
            detail={"last_change": when.isoformat(), "files": len(wanted[category])},
            endpoint=endpoint,
        )
        for category, when in sorted(last_touched.items())
    ]
