"""Reads of the core that pages, reports and the API share: the loaded maturity model's cells."""

from __future__ import annotations

from assessor.models import Cell, ModelVersion
from assessor.scoring.targets import ModelCells


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
