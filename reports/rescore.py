"""Reading answers and evidence, scoring them, and appending snapshots whose inputs changed."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from assessor.bulk import collector_paused
from assessor.models.rescore import ALL_WAVES, PendingRescore
from assessor.scoring.evidence import evidence_levels
from assessor.scoring.rubric import Rubric, load_rubric
from assessor.scoring.snapshot import assemble_scores
from collectors.selectors import evidence_frame
from reports.models import SNAPSHOT_COLUMNS, ScoreSnapshot
from surveys.models import Wave
from surveys.selectors import answers_frame

EVIDENCE_FIELDS = ["wave_id", "team_id", "aspect", "floor", "ceiling", "items", "newest_observed_at"]


@dataclass(frozen=True)
class RecomputeResult:
    written: int
    unchanged: int
    teams: int
    waves: int
    rubric_version: str


def _latest_wave_per_team(answers: pd.DataFrame) -> pd.DataFrame:
    """Each team's most recent wave among those it answered (current evidence belongs there)."""

    pairs = answers[["wave_id", "team_id"]].drop_duplicates()
    opened = dict(Wave.objects.filter(pk__in=pairs["wave_id"].unique().tolist()).values_list("pk", "opens_at"))
    pairs = pairs.assign(opens_at=pairs["wave_id"].map(opened))
    return pairs.sort_values(["opens_at", "wave_id"]).drop_duplicates("team_id", keep="last")[["wave_id", "team_id"]]


def _stored_evidence(wave_team_pairs: pd.DataFrame) -> pd.DataFrame:
    """For earlier waves: the evidence their newest snapshots were scored with, so replays keep it."""
    if wave_team_pairs.empty:
        return pd.DataFrame(columns=EVIDENCE_FIELDS)
    rows = (
        ScoreSnapshot.objects.filter(
            wave_id__in=wave_team_pairs["wave_id"].unique().tolist(),
            team_id__in=wave_team_pairs["team_id"].unique().tolist(),
        )
        .newest()  # per rubric; the newest of those by time is kept below
        .values_list(
            "wave_id",
            "team_id",
            "aspect",
            "evidence_floor",
            "evidence_ceiling",
            "evidence_items",
            "evidence_observed_at",
            "computed_at",
        )
    )
    frame = pd.DataFrame(list(rows), columns=[*EVIDENCE_FIELDS, "computed_at"])
    if frame.empty:
        return pd.DataFrame(columns=EVIDENCE_FIELDS)
    frame = frame.merge(wave_team_pairs, on=["wave_id", "team_id"])
    frame = frame.sort_values("computed_at").drop_duplicates(["wave_id", "team_id", "aspect"], keep="last")
    frame = frame[frame["items"] > 0]
    return frame[EVIDENCE_FIELDS]


def evidence_for_waves(answers: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Current evidence goes beside each team's latest wave; earlier waves keep what they were scored with."""
    if answers.empty:
        return pd.DataFrame(columns=EVIDENCE_FIELDS)
    latest = _latest_wave_per_team(answers)
    current = (
        evidence_levels(evidence).merge(latest, on="team_id") if not evidence.empty else pd.DataFrame(columns=EVIDENCE_FIELDS)
    )
    all_pairs = answers[["wave_id", "team_id"]].drop_duplicates()
    earlier = all_pairs.merge(latest, on=["wave_id", "team_id"], how="left", indicator=True)
    earlier = earlier[earlier["_merge"] == "left_only"][["wave_id", "team_id"]]
    frames = [frame for frame in (current[EVIDENCE_FIELDS], _stored_evidence(earlier)) if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EVIDENCE_FIELDS)


def _latest_hashes(scores: pd.DataFrame, rubric_version: str) -> dict[tuple[int, int, str], tuple[str, int]]:
    """(wave, team, aspect) -> the newest snapshot's inputs hash and revision."""
    if scores.empty:
        return {}
    rows = (
        ScoreSnapshot.objects.filter(
            rubric_version=rubric_version,
            wave_id__in=scores["wave_id"].unique().tolist(),
            team_id__in=scores["team_id"].unique().tolist(),
        )
        .newest()
        .order_by("revision")
        .values_list("wave_id", "team_id", "aspect", "inputs_hash", "revision")
    )
    return {(wave, team, aspect): (digest, revision) for wave, team, aspect, digest, revision in rows}


def _ints_or_none(column: pd.Series) -> list[int | None]:
    return [None if value != value else int(value) for value in column.astype("float64").tolist()]  # NaN != NaN


def _floats(column: pd.Series) -> list[float]:
    return [float(value) for value in column.astype("float64").tolist()]


def _snapshot_rows(scores: pd.DataFrame, revisions: list[int], *, rubric: Rubric, now: datetime) -> list[tuple[object, ...]]:
    """Plain tuples in SNAPSHOT_COLUMNS order, adapted for the database in use, built column by column."""
    if scores.empty:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    count = len(scores)
    items = [int(value) for value in scores["items"].tolist()]
    observed_column = pd.to_datetime(scores["newest_observed_at"], utc=True)
    observed = [None if pd.isna(value) else adapt(value.to_pydatetime()) for value in observed_column.tolist()]
    ceilings = [
        value if has_evidence else None for value, has_evidence in zip(_ints_or_none(scores["ceiling"]), items, strict=True)
    ]
    columns: list[list[Any]] = [
        [int(value) for value in scores["wave_id"].tolist()],
        [int(value) for value in scores["team_id"].tolist()],
        [str(value) for value in scores["aspect"].tolist()],
        [rubric.version] * count,
        [str(value) for value in scores["inputs_hash"].tolist()],
        [adapt(now)] * count,
        _floats(scores["score"]),
        [int(value) for value in scores["level"].tolist()],
        [int(value) for value in scores["respondents"].tolist()],
        _floats(scores["spread"]),
        [bool(value) for value in scores["disagreement"].tolist()],
        _ints_or_none(scores["floor"]),
        ceilings,
        items,
        observed,
        [str(value) for value in scores["status"].tolist()],
        _floats(scores["confidence"]),
        [str(value) for value in scores["confidence_label"].tolist()],
        _ints_or_none(scores["target_level"]),
        _ints_or_none(scores["gap"]),
        [bool(value) for value in scores["unverified"].tolist()],
        list(revisions),
    ]
    return list(zip(*columns, strict=True))


def _insert_snapshots(rows: list[tuple[object, ...]]) -> None:
    """Append rows without model instances (snapshots are write-once): COPY on PostgreSQL, batched INSERTs elsewhere.

    COPY goes through the driver's own cursor, so its errors are wrapped as Django's (a revision clash is still
    an IntegrityError to the caller)."""
    if not rows:
        return
    table = connection.ops.quote_name(ScoreSnapshot._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in SNAPSHOT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(SNAPSHOT_COLUMNS))
        for start in range(0, len(rows), 5000):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows[start : start + 5000])  # noqa: S608 - fixed names


def _append_changed(scores: pd.DataFrame, *, rubric: Rubric, now: datetime, attempts: int = 3) -> list[tuple[object, ...]]:
    """Append the snapshots whose inputs differ from the newest stored ones. A concurrent rescore that appended
    first makes the insert fail on the revision constraint: read the newest again and append only what still
    differs (usually nothing, since the other run scored the same inputs)."""
    for attempt in range(attempts):
        previous = _latest_hashes(scores, rubric.version)
        keys = list(zip(scores["wave_id"], scores["team_id"], scores["aspect"], strict=True))
        stored = [previous.get(key) for key in keys]
        changed = [before is None or before[0] != digest for before, digest in zip(stored, scores["inputs_hash"], strict=True)]
        revisions = [(before[1] if before else 0) + 1 for before, keep in zip(stored, changed, strict=True) if keep]
        rows = _snapshot_rows(scores[changed], revisions, rubric=rubric, now=now)
        try:
            with transaction.atomic():
                _insert_snapshots(rows)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            continue
        return rows
    return []


def scores_recompute(
    *,
    team_ids: Iterable[int] | None = None,
    wave_ids: Iterable[int] | None = None,
    rubric_version: str | None = None,
    now: datetime | None = None,
) -> RecomputeResult:
    """Score the given teams and waves (all when None) and append snapshots whose inputs or rubric changed."""

    rubric = load_rubric(rubric_version)
    now = now or timezone.now()
    team_list = sorted(set(team_ids)) if team_ids is not None else None
    with collector_paused():
        answers = answers_frame(wave_ids=wave_ids, team_ids=team_list)
        evidence = evidence_frame(team_ids=team_list, now=now)
        scores = assemble_scores(answers, evidence_for_waves(answers, evidence), rubric=rubric, now=now)
        del answers
        rows = _append_changed(scores, rubric=rubric, now=now)
    return RecomputeResult(
        written=len(rows),
        unchanged=len(scores) - len(rows),
        teams=scores["team_id"].nunique(),
        waves=scores["wave_id"].nunique(),
        rubric_version=rubric.version,
    )


@dataclass(frozen=True)
class DrainResult:
    """What one batch of pending rescores did."""

    pairs: int  # (team, wave) pairs claimed and rescored
    written: int  # snapshots appended
    again: int  # pairs marked again while the batch ran, left for the next one
    waiting: int  # pending pairs not claimed by any batch after this one

    def __str__(self) -> str:
        return f"{self.pairs} pairs rescored, {self.written} snapshots written, {self.again} marked again, {self.waiting} waiting"


def _claim(token: str, *, now: datetime, batch_size: int, stale_after: timedelta) -> list[tuple[int, int]]:
    """Claim up to `batch_size` pending pairs nobody is rescoring (or whose batch went quiet) for this batch."""
    free = Q(claim="") | Q(claimed_at__lt=now - stale_after)
    ids = list(PendingRescore.objects.filter(free).order_by("requested_at", "id").values_list("id", flat=True)[:batch_size])
    if not ids:
        return []
    PendingRescore.objects.filter(free, id__in=ids).update(claim=token, claimed_at=now, claimed_version=F("version"))
    return list(PendingRescore.objects.filter(claim=token).values_list("team_id", "wave_id"))


def rescore_pending(
    *, batch_size: int = 1000, stale_after: timedelta = timedelta(minutes=10), now: datetime | None = None
) -> DrainResult:
    """Rescore one batch of pending (team, wave) pairs, one scoring call per wave, and clear the pairs whose
    version did not move meanwhile. A failure releases the claim, so the next batch tries the pairs again."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    pairs = _claim(token, now=now, batch_size=batch_size, stale_after=stale_after)
    written = 0
    if pairs:
        teams_by_wave: dict[int, set[int]] = defaultdict(set)
        for team_id, wave_id in pairs:
            teams_by_wave[wave_id].add(team_id)
        try:
            for wave_id, teams in sorted(teams_by_wave.items()):
                waves = None if wave_id == ALL_WAVES else [wave_id]
                written += scores_recompute(team_ids=teams, wave_ids=waves, now=now).written
        except BaseException:
            PendingRescore.objects.filter(claim=token).update(claim="", claimed_at=None, claimed_version=None)
            raise
        PendingRescore.objects.filter(claim=token, version=F("claimed_version")).delete()
    again = PendingRescore.objects.filter(claim=token).update(claim="", claimed_at=None, claimed_version=None)
    waiting = PendingRescore.objects.filter(claim="").count()
    return DrainResult(pairs=len(pairs), written=written, again=again, waiting=waiting)
