"""Reads other apps and pages rely on: current evidence as a DataFrame, a team's signals, sources and runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from django.db.models import Max, QuerySet
from django.utils import timezone

from assessor.models import Cluster, Organization, Repository, Team
from assessor.scoring.frames import EVIDENCE_COLUMNS
from collectors import conf
from collectors.models import CollectionRun, Evaluation, Evidence, Signal, Waiver
from collectors.models.runs import source_key_for
from collectors.rules import SignalFact, load_rules
from collectors.storable import readable
from collectors.waivers import WaiverCover, active_covers, covering

_EVIDENCE_DTYPES = {
    "team_id": "int64",
    "aspect": "object",
    "level": "int64",
    "direction": "object",
    "weight": "float64",
    "rule_key": "object",
    "rules_version": "object",
    "explanation": "object",
    "observed_at": "datetime64[us, UTC]",
    "signal_ids": "object",
    "waived": "bool",
    "waiver_id": "Int64",
    "waiver_reason": "object",
}
WAIVER_COLUMNS = ("waived", "waiver_id", "waiver_reason")


def _current_evidence(team_ids: Iterable[int] | None) -> QuerySet[Evidence]:
    evaluations = Evaluation.objects.all()
    if team_ids is not None:
        evaluations = evaluations.filter(team_id__in=list(team_ids))
    return Evidence.objects.filter(evaluation_id__in=evaluations.latest_ids())


def current_evidence_rows(*, team_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    return list(
        _current_evidence(team_ids).values(
            "id", "team_id", "aspect", "level", "direction", "weight", "rule_key", "rules_version", "explanation", "observed_at"
        )
    )


def evidence_frame(*, team_ids: Iterable[int] | None = None, now: datetime | None = None) -> pd.DataFrame:
    """One row per (team, rule) that fired in each team's latest evaluation, with `waived`, `waiver_id` and
    `waiver_reason` from the waivers in force at `now`. Three queries whatever the team count."""
    wanted = None if team_ids is None else list(team_ids)
    rows = current_evidence_rows(team_ids=wanted)
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in _EVIDENCE_DTYPES.items()})
    links = Evidence.signals.through.objects.filter(evidence_id__in=_current_evidence(wanted).values("id"))
    signals_by_evidence: dict[int, list[int]] = {row["id"]: [] for row in rows}
    sources_by_evidence: dict[int, set[int | None]] = {row["id"]: set() for row in rows}
    for evidence_id, signal_id, repository_id in links.values_list("evidence_id", "signal_id", "signal__repository_id").order_by(
        "signal_id"
    ):
        signals_by_evidence.setdefault(evidence_id, []).append(signal_id)
        sources_by_evidence.setdefault(evidence_id, set()).add(repository_id)
    covers: dict[tuple[int, str], list[WaiverCover]] = {}
    for cover in active_covers(team_ids=wanted, now=now or timezone.now()):
        covers.setdefault((cover.team_id, cover.rule_key), []).append(cover)
    for row in rows:
        evidence_id = row.pop("id")
        row["signal_ids"] = signals_by_evidence[evidence_id]
        key = (row["team_id"], row["rule_key"])
        found = covering(covers.get(key, []), team_id=key[0], rule_key=key[1], repository_ids=sources_by_evidence[evidence_id])
        row["waived"] = found is not None
        row["waiver_id"] = found.id if found else None
        row["waiver_reason"] = found.reason if found else ""
    frame = pd.DataFrame.from_records(rows, columns=[*EVIDENCE_COLUMNS, *WAIVER_COLUMNS])
    frame["observed_at"] = pd.to_datetime(frame["observed_at"], utc=True)
    return frame.astype({k: v for k, v in _EVIDENCE_DTYPES.items() if k != "observed_at"}).sort_values(
        ["team_id", "aspect", "level", "rule_key"], ignore_index=True
    )


def signal_facts(*, team_ids: Iterable[int]) -> list[SignalFact]:
    """The latest signals of these teams, as the rules read them."""
    rows = (
        Signal.objects.filter(team_id__in=list(team_ids))
        .current()
        .values_list("id", "team_id", "key", "value", "observed_at", "repository__is_platform_repo", "repository_id")
    )
    return [
        SignalFact(id_, team_id, key, readable(value), observed_at, platform_repo, repository_id=repository_id)
        for id_, team_id, key, value, observed_at, platform_repo, repository_id in rows
    ]


def current_signals_frame(*, team_ids: Iterable[int], keys: Iterable[str]) -> pd.DataFrame:
    """team_id, key, value, subject of the current signals with these keys, for these teams. One query."""
    rows = (
        Signal.objects.filter(team_id__in=list(team_ids), key__in=list(keys))
        .current()
        .values_list("team_id", "key", "value", "subject")
    )
    return pd.DataFrame([(t, k, readable(v), s) for t, k, v, s in rows], columns=["team_id", "key", "value", "subject"])


def _readable(signal: Signal) -> Signal:
    """The signal's JSON as it can be rendered. Rows stored before pushes and dumps were checked may hold lone
    surrogates (SQLite keeps them in JSON as `\\ud800` escapes); they show as U+FFFD instead of failing the page
    and the API for everyone (a non-finite number would show as None). Text columns cannot hold lone surrogates
    (neither database driver writes them), so only value and detail need this."""
    signal.value = readable(signal.value)
    signal.detail = readable(signal.detail)
    return signal


def signals_for_team(team: Team) -> list[Signal]:
    """The team's latest signals with their run and source, for the team's evidence page."""
    signals = Signal.objects.filter(team=team).current().select_related("run", "repository", "cluster")
    return [_readable(signal) for signal in signals.order_by("key", "namespace", "id")]


def evidence_for_team(team: Team, *, now: datetime | None = None) -> list[Evidence]:
    """The team's current evidence with the signals behind each item, each with `waiver`: the waiver in force
    that takes it out of the count, or None."""
    items = list(_current_evidence([team.pk]).prefetch_related("signals").order_by("aspect", "level", "rule_key"))
    covers = active_covers(team_ids=[team.pk], now=now or timezone.now())
    for item in items:
        sources = {signal.repository_id for signal in item.signals.all()}
        item.waiver = covering(covers, team_id=team.pk, rule_key=item.rule_key, repository_ids=sources)  # type: ignore[attr-defined]
    return items


def evidenced_capabilities_frame(*, team_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """(team_id, capability) for capability domains a cluster shows installed, credited to the cluster's owner."""
    signals = Signal.objects.filter(key__startswith="cluster.capability.", value=True)
    if team_ids is not None:
        signals = signals.filter(team_id__in=list(team_ids))
    pairs = signals.current().values_list("team_id", "detail")
    rows = {(team_id, readable(detail).get("domain")) for team_id, detail in pairs if isinstance(detail, dict)}
    return pd.DataFrame(sorted(r for r in rows if r[1]), columns=["team_id", "capability"])


@dataclass(frozen=True)
class SourceRow:
    kind: str
    source: Repository | Cluster
    last_run: CollectionRun | None

    @property
    def form_value(self) -> str:
        return f"{self.kind}:{self.source.pk}"


def sources_overview(organization: Organization) -> list[SourceRow]:
    """Every repository and cluster of the organization with its newest run; four queries."""
    repositories = list(Repository.objects.filter(team__organization=organization).select_related("team").order_by("name"))
    clusters = list(Cluster.objects.filter(team__organization=organization).select_related("team").order_by("name"))
    keys = [source_key_for(s) for s in [*repositories, *clusters]]
    newest = CollectionRun.objects.filter(source_key__in=keys).values("source_key").annotate(newest=Max("id")).values("newest")
    runs = {run.source_key: run for run in CollectionRun.objects.filter(id__in=newest)}
    return [
        *(SourceRow("repository", r, runs.get(source_key_for(r))) for r in repositories),
        *(SourceRow("cluster", c, runs.get(source_key_for(c))) for c in clusters),
    ]


def recent_runs(organization: Organization, *, limit: int = 30) -> list[CollectionRun]:
    runs = list(CollectionRun.objects.for_organization(organization.pk).select_related("team", "repository", "cluster")[:limit])
    for run in runs:  # what was skipped names namespaces and files from outside; see _readable
        run.skipped, run.notes = readable(run.skipped), readable(run.notes)
    return runs


def signal_history_frame(*, team_ids: Iterable[int], keys: Iterable[str]) -> pd.DataFrame:
    """Every stored observation of these keys for these teams, with `current` marking the latest ones:
    team_id, key, value, detail, subject, observed_at, current. Two queries."""
    signals = Signal.objects.filter(team_id__in=list(team_ids), key__in=list(keys))
    current = set(signals.current().values_list("id", flat=True))
    rows = signals.order_by("observed_at", "id").values_list("id", "team_id", "key", "value", "detail", "subject", "observed_at")
    columns = ["team_id", "key", "value", "detail", "subject", "observed_at", "current"]
    return pd.DataFrame(
        [(t, k, readable(v), readable(d), s, at, id_ in current) for id_, t, k, v, d, s, at in rows], columns=columns
    )


def waivers_for_team(team: Team) -> list[Waiver]:
    """Every waiver of the team, newest first, with who made and revoked it and its audit trail. Three queries."""
    return list(
        Waiver.objects.filter(team=team)
        .select_related("repository", "created_by", "revoked_by")
        .prefetch_related("events")
        .order_by("-created_at", "-id")
    )


def waivable_rules(team: Team) -> list[tuple[str, str]]:
    """(key, label) of the rules in use that can fire for the team's kind, for the waiver form."""
    rules = load_rules(conf.rules_file()).rules
    return [
        (rule.key, f"{rule.key} ({rule.direction} level {rule.level} of {rule.aspect})")
        for rule in rules
        if team.kind in rule.team_kinds
    ]


RULE_FRAME_COLUMNS = ["rule_key", "aspect", "level", "direction", "team_kinds", "explanation", "rules_version", "in_use"]


def rules_frame() -> pd.DataFrame:
    """The rules in use, one row each, in the file's order (`RULE_FRAME_COLUMNS`; in_use is True)."""
    rules = load_rules(conf.rules_file())
    rows = [
        (rule.key, rule.aspect, rule.level, rule.direction, ", ".join(rule.team_kinds), rule.explanation, rules.version, True)
        for rule in rules.rules
    ]
    return pd.DataFrame(rows, columns=RULE_FRAME_COLUMNS)


def evidence_history_frames(*, team_ids: Iterable[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every stored evaluation of these teams (evaluation_id, team_id, evaluated_at) and what fired in each
    (evaluation_id, rule_key, direction), for the history of each rule across collection runs. Two queries."""
    teams = list(team_ids)
    evaluations = Evaluation.objects.filter(team_id__in=teams).order_by("evaluated_at", "id")
    frame = pd.DataFrame(
        list(evaluations.values_list("id", "team_id", "evaluated_at")), columns=["evaluation_id", "team_id", "evaluated_at"]
    )
    frame["evaluated_at"] = pd.to_datetime(frame["evaluated_at"], utc=True)
    items = Evidence.objects.filter(team_id__in=teams).values_list("evaluation_id", "rule_key", "direction")
    return frame, pd.DataFrame(list(items), columns=["evaluation_id", "rule_key", "direction"])
