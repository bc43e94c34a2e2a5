"""Where the rule on local paths plugs in: which places on the server's disk a repository's `local_path` or a
cluster's `snapshot_path` may name is the collectors' rule (collectors/localpaths.py). They register it when their
app loads, and the core's models ask it when they are validated, so the core imports no other app."""

from __future__ import annotations

from collections.abc import Callable

LocalPathRule = Callable[[str], "str | None"]  # why the path is refused, or None
_rules: list[LocalPathRule] = []


def register_local_path_rule(rule: LocalPathRule) -> None:
    if rule not in _rules:
        _rules.append(rule)


def local_path_refusal(path: str) -> str | None:
    """The first registered rule's reason to refuse the path; None when every rule allows it."""
    return next((reason for rule in _rules if (reason := rule(path))), None)
