"""Reads of the core that pages, reports and the API share."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from assessor.models import Cell, ModelVersion, ScoreSnapshot
from assessor.models.scores import SNAPSHOT_COLUMNS
from assessor.scoring.rubric import load_rubric
from assessor.scoring.targets import ModelCells

SCORE_FIELDS = [column for column in SNAPSHOT_COLUMNS if column != "inputs_hash"]


def latest_scores(
    *,
    wave_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    rubric_version: str | None = None,
) -> pd.DataFrame:
    """The newest snapshot per wave, team and aspect under one rubric (the newest rubric by default). One query."""
    version = rubric_version or load_rubric().version
    snapshots = ScoreSnapshot.objects.filter(rubric_version=version)
    if wave_ids is not None:
        snapshots = snapshots.filter(wave_id__in=list(wave_ids))
    if team_ids is not None:
        snapshots = snapshots.filter(team_id__in=list(team_ids))
    frame = pd.DataFrame(list(snapshots.order_by("computed_at", "pk").values_list(*SCORE_FIELDS)), columns=SCORE_FIELDS)
    if frame.empty:
        return frame
    return frame.drop_duplicates(["wave_id", "team_id", "aspect"], keep="last").reset_index(drop=True)


def model_cells(version: ModelVersion | None = None) -> ModelCells:
    """(aspect key, level) -> (label, characteristics, next steps, evidence) for next-step advice. One query."""
    version = version or ModelVersion.objects.latest_loaded()
    if version is None:
        return {}
    cells = Cell.objects.filter(aspect__model_version=version).select_related("aspect", "level")
    return {
        (cell.aspect.key, cell.level.number): (
            cell.label,
            tuple(cell.characteristics),
            tuple(cell.next_steps),
            tuple(cell.evidence),
        )
        for cell in cells
    }
