"""Trends across waves (organization, group or team), level distributions, and changes over a period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from assessor.scoring.claims import band
from assessor.scoring.frames import LEVELS, round2
from assessor.scoring.rollups import rollup
from assessor.scoring.rubric import Banding
from reports.frames import ANNOTATION_COLUMNS
from reports.frames.common import aspect_order, empty, with_team_names

SCOPES = ("organization", "group", "team")
TREND_COLUMNS = ["wave_id", "wave", "opens_at", "aspect", "score", "level", "teams", "respondents"]
DISTRIBUTION_COLUMNS = ["aspect", "level", "teams", "share"]
STANDING_COLUMNS = ["team_id", "aspect", "wave_id", "score", "level"]
CHANGE_COLUMNS = [
    "team_id",
    "team",
    "kind",
    "group",
    "aspect",
    "score_before",
    "level_before",
    "score",
    "level",
    "change",
    "wave_id_before",
    "wave_id",
]


def trend_frame(
    scores: pd.DataFrame,
    waves: pd.DataFrame,
    teams: pd.DataFrame,
    aspects: Sequence[str],
    *,
    scope: str = "organization",
    key: int | None = None,
    banding: Banding | None = None,
) -> pd.DataFrame:
    """Each aspect's score per wave for the organization, one group or one team, oldest wave first.

    Organization and group scores weigh each team by its respondents (`assessor.scoring.rollups`),
    so they band to a level the same way team scores do, by the rubric's `banding` (nearest when None).
    """
    if scope not in SCOPES:
        raise ValueError(f"Unknown trend scope {scope!r}; use one of {', '.join(SCOPES)}.")
    claims = scores[["wave_id", "team_id", "aspect", "score", "respondents"]]
    claims = claims[claims["team_id"].isin(teams["team_id"])]
    if scope == "team":
        rows = claims[claims["team_id"] == key].assign(teams=1)
        rows = rows.assign(level=rows["score"].map(banding.level if banding is not None else band))
    elif scope == "group":
        rows = rollup(claims, teams[["team_id", "group_id"]], by="group_id", banding=banding)
        rows = rows[rows["key"] == key]
    else:
        rows = rollup(claims, teams[["team_id"]].assign(organization=0), by="organization", banding=banding)
    if rows.empty:
        return empty(TREND_COLUMNS)
    result = rows.merge(waves[["wave_id", "wave", "opens_at"]], on="wave_id")
    result = result.assign(_aspect=aspect_order(result, aspects)).sort_values(["opens_at", "wave_id", "_aspect"])
    result[["level", "teams", "respondents"]] = result[["level", "teams", "respondents"]].astype(int)
    return result[TREND_COLUMNS].reset_index(drop=True)


def level_distribution(scores: pd.DataFrame, aspects: Sequence[str]) -> pd.DataFrame:
    """For one wave: per aspect, how many teams sit at each level and their share in percent."""
    rows = []
    for aspect in aspects:
        levels = scores.loc[scores["aspect"] == aspect, "level"].dropna().astype(int)
        total = len(levels)
        for level in LEVELS:
            count = int((levels == level).sum())
            rows.append(
                {"aspect": aspect, "level": level, "teams": count, "share": round(100 * count / total, 1) if total else 0.0}
            )
    return pd.DataFrame(rows, columns=DISTRIBUTION_COLUMNS)


def _newest(rows: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """Per team and aspect: the newest wave's newest snapshot among `rows`."""
    if rows.empty:
        return empty(STANDING_COLUMNS)
    rows = rows.merge(waves[["wave_id", "opens_at"]], on="wave_id")
    rows = rows.sort_values(["opens_at", "wave_id", "computed_at"]).drop_duplicates(["team_id", "aspect"], keep="last")
    return rows[STANDING_COLUMNS].reset_index(drop=True)


def standing(history: pd.DataFrame, waves: pd.DataFrame, *, as_of: datetime) -> pd.DataFrame:
    """Where each team stood per aspect at a moment: its newest wave's newest snapshot computed by then."""
    return _newest(history[history["computed_at"] <= as_of], waves)


def baseline(history: pd.DataFrame, waves: pd.DataFrame, *, since: datetime) -> pd.DataFrame:
    """Where each team stood per aspect when a period began, for teams that had results by then.

    That is its standing at `since`. A snapshot's time is when it was computed, not when the answers came: a
    team whose scores were all computed during the period (a new rubric, a fresh load of the data) but which
    has results in a wave that closed before the period had results already. Its baseline is where it stood
    when its scores were first computed, so a later move (in the same wave or into a new one) is a change and
    the team is not counted among first results.
    """
    at_start = standing(history, waves, as_of=since)
    if history.empty:
        return at_start
    later = history[~history["team_id"].isin(set(at_start["team_id"]))]
    closed = set(waves.loc[waves["closes_at"] <= since, "wave_id"])
    known = set(later.loc[later["wave_id"].isin(closed), "team_id"])
    recomputed = later[later["team_id"].isin(known)]
    if recomputed.empty:
        return at_start
    first = recomputed.groupby("team_id")["computed_at"].transform("min")
    first_seen = _newest(recomputed[recomputed["computed_at"] <= first], waves)
    if at_start.empty:
        return first_seen
    return pd.concat([at_start, first_seen], ignore_index=True)


def biggest_changes(
    history: pd.DataFrame,
    waves: pd.DataFrame,
    teams: pd.DataFrame,
    *,
    since: datetime,
    now: datetime,
    limit: int = 10,
) -> pd.DataFrame:
    """Team scores that moved between `since` and `now`, largest move first (either way).

    A team's standing is its newest wave's score, so a move within a wave and a new wave's results (against
    the wave before) both count. The comparison is with `baseline`; teams without one are not changes,
    `first_results` counts them.
    """
    before = baseline(history, waves, since=since)
    after = standing(history, waves, as_of=now)
    if before.empty or after.empty:
        return empty(CHANGE_COLUMNS)
    moved = after.merge(before, on=["team_id", "aspect"], suffixes=("", "_before"))
    moved["change"] = round2(moved["score"].astype(float) - moved["score_before"].astype(float))
    moved = moved[moved["change"] != 0]
    if moved.empty:
        return empty(CHANGE_COLUMNS)
    named = with_team_names(moved, teams)
    named = named.assign(_size=named["change"].abs(), _name=named["team"].str.casefold())
    named = named.sort_values(["_size", "_name", "aspect"], ascending=[False, True, True]).head(limit)
    named[["level", "level_before"]] = named[["level", "level_before"]].astype(int)
    return named[CHANGE_COLUMNS].reset_index(drop=True)


def first_results(history: pd.DataFrame, waves: pd.DataFrame, *, since: datetime, now: datetime) -> list[int]:
    """Teams with a score at `now` that had no result at all before `since` (in no wave; see `baseline`)."""
    before = set(baseline(history, waves, since=since)["team_id"])
    after = set(standing(history, waves, as_of=now)["team_id"])
    return sorted(int(team_id) for team_id in after - before)


def annotations_for(annotations: pd.DataFrame, *, scope: str, key: int | None, group_id: int | None = None) -> pd.DataFrame:
    """The annotations a trend shows: organization-wide ones always, plus the group's or the team's own.

    For a team, `group_id` is its group, whose annotations apply to it too.
    """
    if annotations.empty:
        return empty(ANNOTATION_COLUMNS)
    org_wide = annotations["team_id"].isna() & annotations["group_id"].isna()
    if scope == "group":
        keep = org_wide | (annotations["group_id"] == key)
    elif scope == "team":
        keep = (
            org_wide | (annotations["team_id"] == key) | ((annotations["group_id"] == group_id) & annotations["team_id"].isna())
        )
    else:
        keep = org_wide
    return annotations[keep].sort_values("date").reset_index(drop=True)[ANNOTATION_COLUMNS]


def rubric_annotations(rubric_firsts: pd.DataFrame) -> pd.DataFrame:
    """Rubric versions as annotations at the time each was first used (`rubric_version`, `first_computed_at`)."""
    if rubric_firsts.empty or len(rubric_firsts) < 2:
        return empty(ANNOTATION_COLUMNS)
    ordered_versions = rubric_firsts.sort_values("first_computed_at").iloc[1:]
    return pd.DataFrame(
        {
            "date": ordered_versions["first_computed_at"].to_numpy(),
            "label": [f"Scoring rubric {version} applied" for version in ordered_versions["rubric_version"]],
            "kind": "rubric",
            "team_id": None,
            "group_id": None,
        },
        columns=ANNOTATION_COLUMNS,
    )


def combine_annotations(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several annotation frames as one, by date."""
    present = [frame for frame in frames if not frame.empty]
    if not present:
        return empty(ANNOTATION_COLUMNS)
    combined = pd.concat(present, ignore_index=True)
    combined["date"] = pd.to_datetime(combined["date"], utc=True)
    return combined.sort_values("date").reset_index(drop=True)[ANNOTATION_COLUMNS]


def numbered(annotations: pd.DataFrame) -> list[dict[str, object]]:
    """Annotations as the numbered list under a chart (the numbers match the chart's markers)."""
    return [
        {"number": number, "date": record["date"], "label": record["label"], "kind": record["kind"]}
        for number, record in enumerate(annotations.to_dict("records"), start=1)
    ]
