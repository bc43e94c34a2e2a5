"""Which places on the server's disk the collectors may read, and reading one file there within a size limit.

A repository's `local_path` and a cluster's `snapshot_path` are typed in by admins, superusers included, and the
server reads them. They are accepted only under the directories of COLLECTORS_LOCAL_ROOTS: checked when a row is
validated and again each time it is read, after symbolic links are resolved, so a link inside a root that points
out of it is refused. Messages name the path and the allowed roots, never anything a file holds.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from collectors import conf
from collectors.errors import CollectorError

CHUNK_BYTES = 1024 * 1024
_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class LocalPathError(CollectorError):
    """A local path the server may not or cannot read; never worth retrying as it is."""

    source = "local path"


def local_roots() -> list[Path]:
    """The allowed roots, resolved (a root that is itself a symbolic link counts as where it leads)."""
    roots = []
    for root in conf.local_roots():
        try:
            roots.append(root.expanduser().resolve())
        except (OSError, RuntimeError):  # a link loop: nothing lies under it
            continue
    return roots


def _roots_text(roots: list[Path]) -> str:
    return ", ".join(str(root) for root in roots) or "none are configured"


def check_local_path(path: str | Path) -> Path:
    """The path resolved, when it lies under an allowed root; LocalPathError otherwise. It need not exist."""
    text = str(path)
    if not text.strip():
        raise LocalPathError("No path was given.")
    if "\x00" in text:
        raise LocalPathError("The path contains a NUL character.")
    candidate = Path(text).expanduser()
    if not candidate.is_absolute():
        raise LocalPathError(f"Give an absolute path; {text!r} is relative.")
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as exc:
        raise LocalPathError(f"The path {text} cannot be resolved (a loop of symbolic links?).") from exc
    roots = local_roots()
    if not any(resolved.is_relative_to(root) for root in roots):
        how = "leads, through a symbolic link, outside" if Path(os.path.normpath(candidate)) != resolved else "is outside"
        raise LocalPathError(
            f"{text} {how} the directories the server may read: {_roots_text(roots)}. COLLECTORS_LOCAL_ROOTS sets them."
        )
    return resolved


def local_path_refusal(path: str) -> str | None:
    """Why the path is refused, or None when it is allowed (for model and form validation)."""
    try:
        check_local_path(path)
    except LocalPathError as exc:
        return str(exc)
    return None


def shown_path(path: str | Path) -> str:
    """The path as signals and run messages show it: relative to the allowed root it lies under, led by that root's
    name (`demo-repos/platform`), so no reader learns the server's directory layout."""
    target = Path(path)
    for root in local_roots():
        if target.is_relative_to(root):
            inside = target.relative_to(root)
            return str(Path(root.name) / inside) if root.name else str(inside)
    return target.name or str(target)


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file under an allowed root, at most `limit` of them.

    Pipes, devices, sockets and directories are refused from their `stat` before anything is opened, so nothing
    waits on a writer. The file is opened without following a final symbolic link and without blocking, checked
    again through its descriptor, and read in chunks that stop at `limit + 1` bytes: a file that reports a wrong
    size or grows while read is refused without being read in full.
    """
    resolved = check_local_path(path)
    shown = str(path)
    try:
        info = os.stat(resolved)
    except FileNotFoundError as exc:
        raise LocalPathError(f"There is no file at {shown}.") from exc
    except OSError as exc:
        raise LocalPathError(f"Could not read {shown}: {exc.strerror or exc.__class__.__name__}.") from exc
    _require_regular(info.st_mode, shown)
    if info.st_size > limit:
        raise LocalPathError(f"{shown} is {info.st_size:,} bytes; the limit is {limit:,} bytes.")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(resolved, flags)
    except OSError as exc:
        raise LocalPathError(f"Could not open {shown}: {exc.strerror or exc.__class__.__name__}.") from exc
    chunks: list[bytes] = []
    total = 0
    try:
        _require_regular(os.fstat(descriptor).st_mode, shown)  # it may have been swapped since the stat
        while total <= limit:
            chunk = os.read(descriptor, min(CHUNK_BYTES, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise LocalPathError(f"Could not read {shown}: {exc.strerror or exc.__class__.__name__}.") from exc
    finally:
        os.close(descriptor)
    if total > limit:
        raise LocalPathError(f"{shown} holds more than {limit:,} bytes, the limit.")
    return b"".join(chunks)


def _require_regular(mode: int, shown: str) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise LocalPathError(f"{shown} is {kind}; give the path of a regular file.")
