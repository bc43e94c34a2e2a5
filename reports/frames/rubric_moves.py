"""Telling a team's movement from a rubric change: levels as each wave was first reported, against one rubric."""

from __future__ import annotations

from itertools import pairwise

import pandas as pd

from reports.frames.common import empty

REPORTED_COLUMNS = ["wave_id", "wave", "opens_at", "aspect", "level", "rubric_version"]
MOVE_COLUMNS = [
    "aspect",
    "wave_before",
    "wave",
    "rubric_before",
    "rubric",
    "level_before_reported",
    "level_reported",
    "level_before_same",
    "level_same",
    "cause",
]
CAUSES = {
    "rubric": "the rubric change: under one rubric the level did not move",
    "team": "the team: the same move under one rubric",
    "both": "partly the rubric change: under one rubric the move is {same:+d}",
    "hidden": "the team, hidden by the rubric change: under one rubric the move is {same:+d}",
    "unknown": "cannot tell: a wave has no scores under rubric {version}",
}


def first_reported(wave_rubrics: pd.DataFrame) -> dict[int, str]:
    """Each wave's rubric as first reported: the version of its earliest scores (`wave_id`, `rubric_version`,
    `first_computed_at`, one row per wave and version)."""
    if wave_rubrics.empty:
        return {}
    earliest = wave_rubrics.sort_values(["first_computed_at", "rubric_version"]).drop_duplicates("wave_id")
    return {int(wave): str(version) for wave, version in zip(earliest["wave_id"], earliest["rubric_version"], strict=True)}


def rubric_firsts_of(wave_rubrics: pd.DataFrame) -> pd.DataFrame:
    """When each rubric version was first used at all (the rubric annotations' input), from the same rows."""
    if wave_rubrics.empty:
        return pd.DataFrame(columns=["rubric_version", "first_computed_at"])
    return wave_rubrics.groupby("rubric_version", as_index=False)["first_computed_at"].min()


def _cause(reported: int, same: float | None, version: str) -> str | None:
    if same is None or pd.isna(same):
        return CAUSES["unknown"].format(version=version)
    same_move = int(same)
    if reported == same_move:
        return CAUSES["team"] if reported else None
    if same_move == 0:
        return CAUSES["rubric"]
    return (CAUSES["hidden"] if reported == 0 else CAUSES["both"]).format(same=same_move)


def rubric_moves(reported: pd.DataFrame, chosen: pd.DataFrame, *, version: str) -> pd.DataFrame:
    """Between consecutive waves first reported under different rubrics, per aspect: the levels as reported,
    the levels of both waves under rubric `version` (`chosen`, a trend frame), and where the movement comes
    from. Pairs of waves under one rubric, and aspects that moved under neither view, give no row."""
    if reported.empty:
        return empty(MOVE_COLUMNS)
    order = reported.drop_duplicates("wave_id").sort_values(["opens_at", "wave_id"])
    rubric_of = dict(zip(order["wave_id"], order["rubric_version"], strict=True))
    name_of = dict(zip(order["wave_id"], order["wave"], strict=True))
    level_reported = {
        (w, a): int(lv) for w, a, lv in zip(reported["wave_id"], reported["aspect"], reported["level"], strict=True)
    }
    level_same = {(w, a): lv for w, a, lv in zip(chosen["wave_id"], chosen["aspect"], chosen["level"], strict=True)}
    aspects = list(dict.fromkeys(reported["aspect"]))
    rows = []
    waves = list(order["wave_id"])
    for before, after in pairwise(waves):
        if rubric_of[before] == rubric_of[after]:
            continue
        for aspect in aspects:
            if (before, aspect) not in level_reported or (after, aspect) not in level_reported:
                continue
            same_before, same_after = level_same.get((before, aspect)), level_same.get((after, aspect))
            same_move = None if same_before is None or same_after is None else int(same_after) - int(same_before)
            reported_move = level_reported[(after, aspect)] - level_reported[(before, aspect)]
            cause = _cause(reported_move, same_move, version)
            if cause is None:
                continue
            rows.append(
                {
                    "aspect": aspect,
                    "wave_before": name_of[before],
                    "wave": name_of[after],
                    "rubric_before": rubric_of[before],
                    "rubric": rubric_of[after],
                    "level_before_reported": level_reported[(before, aspect)],
                    "level_reported": level_reported[(after, aspect)],
                    "level_before_same": None if same_before is None else int(same_before),
                    "level_same": None if same_after is None else int(same_after),
                    "cause": cause,
                }
            )
    return pd.DataFrame(rows, columns=MOVE_COLUMNS) if rows else empty(MOVE_COLUMNS)
