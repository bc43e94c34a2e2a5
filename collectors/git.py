"""Local git adapter: scans a checkout or a bare repository with git itself, no token and no network."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from collectors import conf
from collectors.delivery import DeliveryEvent, delivery_signals
from collectors.detect import Detectors, load_detectors
from collectors.errors import CollectorError
from collectors.files import blobs_wanted, file_signals
from collectors.history import LOG_FORMAT, Commit, history_signals, parse_git_log
from collectors.localpaths import LocalPathError, check_local_path, shown_path
from collectors.records import Outcome, SignalRecord, Skipped

MAX_BLOB_BYTES = 512 * 1024
MAX_BLOBS = 3000
MAX_COMMITS = 100_000
STALENESS_CATEGORIES = ("ci", "iac", "gitops")


class GitError(CollectorError):
    source = "git"


@dataclass(frozen=True)
class TreeEntry:
    path: str
    sha: str
    size: int


class LocalRepository:
    """Read-only access to one repository on disk through `git`, run without a shell and with a timeout.

    Messages name the repository by `shown` (its place under an allowed root), never by the server's absolute path.
    """

    def __init__(self, path: str | Path, *, git: str | None = None, timeout: float | None = None) -> None:
        self.path = str(Path(path).expanduser().resolve())
        self.shown = shown_path(self.path)
        self.git = git or conf.git_binary()
        self.timeout = timeout if timeout is not None else conf.git_timeout()

    def _run(self, *args: str, stdin: bytes | None = None) -> bytes:
        command = [self.git, "-C", self.path, "-c", "core.quotepath=off", "-c", f"safe.directory={self.path}", *args]
        # A fixed environment: no pager, no prompts, no user config that could change the output format.
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": "/nonexistent",
            "LC_ALL": "C",
        }
        try:
            result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                command, input=stdin, capture_output=True, timeout=self.timeout, check=False, env=env
            )
        except subprocess.TimeoutExpired as exc:
            raise GitError(f"git {args[0]} took longer than {self.timeout:g} s in {self.shown}", retryable=True) from exc
        except OSError as exc:
            raise GitError(f"Could not run git ({self.git}): {exc.strerror or exc}") from exc
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            last = message[-1].replace(self.path, self.shown) if message else "no message"
            raise GitError(f"git {args[0]} failed in {self.shown}: {last}")
        return result.stdout

    def check(self) -> None:
        if not Path(self.path).is_dir():
            raise GitError(f"There is no directory at {self.shown}.")
        try:
            git_dir = self._run("rev-parse", "--absolute-git-dir").decode("utf-8", "replace").strip()
        except GitError as exc:
            raise GitError(f"{self.shown} is not a git repository.") from exc
        # A `.git` file may send git to a repository elsewhere on the disk: that one must be allowed too.
        try:
            check_local_path(git_dir or self.path)
        except LocalPathError as exc:
            raise LocalPathError(f"The git directory of {self.shown} is elsewhere; {exc}") from exc

    def head(self) -> str | None:
        try:
            return self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip() or None
        except GitError:
            return None

    def tree(self, rev: str) -> list[TreeEntry]:
        entries = []
        for record in self._run("ls-tree", "-r", "-z", "--long", "--full-tree", rev).split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            parts = meta.split()
            if len(parts) != 4 or parts[1] != b"blob":
                continue
            size = int(parts[3]) if parts[3].isdigit() else 0
            entries.append(TreeEntry(raw_path.decode("utf-8", "replace"), parts[2].decode(), size))
        return entries

    def read_blobs(self, shas: Sequence[str]) -> dict[str, str]:
        """Blob texts by sha, through one `git cat-file --batch`."""
        if not shas:
            return {}
        output = self._run("cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in shas).encode())
        texts: dict[str, str] = {}
        position = 0
        while position < len(output):
            end = output.index(b"\n", position)
            header = output[position:end].split()
            position = end + 1
            if len(header) != 3:
                continue
            size = int(header[2])
            texts[header[0].decode()] = output[position : position + size].decode("utf-8", "replace")
            position += size + 1
        return texts

    def log(self, *, max_count: int = MAX_COMMITS) -> list[Commit]:
        output = self._run(
            "log", f"--max-count={max_count}", f"--format={LOG_FORMAT}", "--name-only", "--no-renames", "HEAD", "--"
        )
        return parse_git_log(output.decode("utf-8", "replace"))

    def tag_dates(self) -> list[datetime]:
        output = self._run("for-each-ref", "--format=%(creatordate:unix)", "refs/tags").decode()
        return [datetime.fromtimestamp(int(line), tz=UTC) for line in output.split() if line.isdigit()]


def collect_local(
    path: str | Path,
    *,
    now: datetime,
    member_emails: Iterable[str] = (),
    detectors: Detectors | None = None,
    repository: LocalRepository | None = None,
) -> Outcome:
    """Every signal a local scan gives. Raises LocalPathError for a path outside the allowed roots (checked again here,
    after resolving links: the row may predate the rule or a link may have changed) and GitError when nothing could
    be read; a later failure gives a partial outcome. Signals name files relative to the repository's root."""
    repo = repository or LocalRepository(check_local_path(path))
    detectors = detectors or load_detectors()
    repo.check()
    head = repo.head()
    if head is None:
        return Outcome(skipped=(Skipped("files and history", "the repository has no commits yet"),), source_url=repo.shown)

    entries = repo.tree(head)
    by_path = {entry.path: entry for entry in entries}
    paths = list(by_path)
    skipped: list[Skipped] = []
    readable = [p for p in blobs_wanted(paths, detectors) if by_path[p].size <= MAX_BLOB_BYTES]
    if len(readable) > MAX_BLOBS:
        skipped.append(Skipped("files", f"only the first {MAX_BLOBS} of {len(readable)} YAML files were read"))
        readable = readable[:MAX_BLOBS]
    texts = repo.read_blobs(sorted({by_path[p].sha for p in readable}))
    blobs = {p: texts[by_path[p].sha] for p in readable if by_path[p].sha in texts}
    signals, file_skips = file_signals(paths, blobs, detectors, endpoint="git ls-tree / cat-file")
    skipped.extend(file_skips)

    error: GitError | None = None
    try:
        commits = repo.log()
        tags = repo.tag_dates()
    except GitError as exc:
        error = exc
    else:
        current = {
            category: {p for p in paths if any(d.category == category for d in detectors.classify_path(p))}
            for category in STALENESS_CATEGORIES
        }
        history, history_skips = history_signals(commits, now=now, member_emails=member_emails, current_files=current, tags=tags)
        signals.extend(history)
        skipped.extend(history_skips)
        signals.extend(_local_delivery(commits, tags, now=now))
    return Outcome(
        signals=tuple(signals),
        skipped=tuple(skipped),
        source_url=repo.shown,
        error=error,
        complete=error is None,
        state={"head_sha": head},
    )


def _local_delivery(commits: Sequence[Commit], tags: Sequence[datetime], *, now: datetime) -> list[SignalRecord]:
    if tags:
        return delivery_signals("tags", [DeliveryEvent(at) for at in tags], now=now, endpoint="git for-each-ref refs/tags")
    merges = [DeliveryEvent(c.authored_at, sha=c.sha) for c in commits if c.is_merge]
    return delivery_signals("merges", merges, now=now, endpoint="git log")
