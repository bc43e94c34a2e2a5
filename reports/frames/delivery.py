"""Delivery metrics per team: each figure with what it is based on and its DORA performance band.

The bands come from a versioned data file (`data/delivery/dora-bands-<year>.yaml`) that names its source
and year; the figures are the collectors' `delivery.*` signals and the `ci.*` ones pipelines push.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from assessor.datafiles import DataFileInvalid, duplicates, file_version, problem, read_data_file

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "delivery"
SCHEMA_FILE = DATA_DIR / "dora-bands.schema.json"
BUNDLED_FILE = DATA_DIR / "dora-bands-2023.yaml"

METRICS = ("deploys_per_week", "lead_time_hours", "change_failure_rate", "time_to_restore_hours")
PREFIXES = ("delivery", "ci")
SIGNAL_KEYS = tuple(f"{prefix}.{metric}" for prefix in PREFIXES for metric in METRICS)
BASIS_LABELS = {
    "deployments": "from deployments",
    "deploy_workflow_runs": "from runs of deploy workflows",
    "releases": "from releases",
    "tags": "from tags",
    "merges": "from merges to the default branch",
    "ci": "pushed from CI",
}
NOT_MEASURED = {
    "deploys_per_week": "not measured",
    "lead_time_hours": "not measured: needs merged pull requests",
    "change_failure_rate": "not measured: needs deployments or deploy workflow runs with their outcomes",
    "time_to_restore_hours": "not measured: needs deployments or deploy workflow runs with their outcomes",
}
_CONDITIONS = ("above", "at_least", "below", "at_most")

METRIC_COLUMNS = [
    "team_id", "team", "subject", "metric", "metric_name", "value", "shown", "basis", "basis_label",
    "band", "band_label", "reported", "observed_at",
]  # fmt: skip
HISTORY_COLUMNS = ["team_id", "team", "subject", "series", "metric", "basis", "observed_at", "value"]


class BandsFileError(DataFileInvalid):
    """The bands file is malformed; the message names the file and the place."""


@dataclass(frozen=True)
class Edge:
    band: str
    reported: str
    condition: str | None  # one of _CONDITIONS; None for the last band, which takes the rest
    limit: float = 0.0

    def holds(self, value: float) -> bool:
        if self.condition == "above":
            return value > self.limit
        if self.condition == "at_least":
            return value >= self.limit
        if self.condition == "below":
            return value < self.limit
        if self.condition == "at_most":
            return value <= self.limit
        return True


@dataclass(frozen=True)
class MetricBands:
    key: str
    name: str
    unit: str
    better: str
    edges: tuple[Edge, ...]

    def edge_for(self, value: float) -> Edge:
        return next(edge for edge in self.edges if edge.holds(value))


@dataclass(frozen=True)
class Bands:
    version: str
    year: int
    source_title: str
    source_publisher: str
    source_url: str
    names: dict[str, str]  # band key -> name, best first
    metrics: dict[str, MetricBands]

    def band_of(self, metric: str, value: float) -> str:
        return self.metrics[metric].edge_for(value).band

    def label(self, band: str) -> str:
        return f"{self.names[band]} (DORA {self.year})"

    @property
    def source(self) -> str:
        return f"{self.source_title}, {self.source_publisher}"


def _edge(raw: dict[str, Any], where: tuple[str | int, ...], *, last: bool, path: Path) -> Edge:
    conditions = [name for name in _CONDITIONS if name in raw]
    if last and conditions:
        raise BandsFileError(problem(where, "the last band takes every other value and names no edge"), source=path)
    if not last and len(conditions) != 1:
        raise BandsFileError(problem(where, f"name exactly one of {', '.join(_CONDITIONS)}"), source=path)
    if last:
        return Edge(band=raw["band"], reported=raw["reported"], condition=None)
    return Edge(band=raw["band"], reported=raw["reported"], condition=conditions[0], limit=float(raw[conditions[0]]))


def _metric(raw: dict[str, Any], index: int, names: dict[str, str], path: Path) -> MetricBands:
    edges = []
    for number, entry in enumerate(raw["edges"]):
        where: tuple[str | int, ...] = ("metrics", index, "edges", number)
        if entry["band"] not in names:
            raise BandsFileError(problem(where, f"unknown band {entry['band']!r}"), source=path)
        edges.append(_edge(entry, where, last=number == len(raw["edges"]) - 1, path=path))
    return MetricBands(key=raw["key"], name=raw["name"], unit=raw["unit"], better=raw["better"], edges=tuple(edges))


@cache
def _read(version_key: tuple[Path, int, int, int]) -> Bands:
    path = version_key[0]
    data = read_data_file(path, SCHEMA_FILE, error=BandsFileError)
    names = {entry["key"]: entry["name"] for entry in data["bands"]}
    keys = [entry["key"] for entry in data["metrics"]]
    repeated = duplicates(keys)
    if repeated:
        raise BandsFileError(problem(("metrics",), f"metrics appear twice: {', '.join(repeated)}"), source=path)
    missing = [metric for metric in METRICS if metric not in keys]
    if missing:
        raise BandsFileError(problem(("metrics",), f"bands missing for: {', '.join(missing)}"), source=path)
    return Bands(
        version=data["version"],
        year=int(data["year"]),
        source_title=data["source"]["title"],
        source_publisher=data["source"]["publisher"],
        source_url=data["source"]["url"],
        names=names,
        metrics={raw["key"]: _metric(raw, index, names, path) for index, raw in enumerate(data["metrics"])},
    )


def read_bands(path: Path | None = None) -> Bands:
    """The bands file (the bundled one by default), checked against its schema; re-read when it changes."""
    return _read(file_version(path or BUNDLED_FILE))


def format_value(metric: str, value: float) -> str:
    """A figure as people read it: deploys a week, a duration in hours or days, or a percentage."""
    if metric == "deploys_per_week":
        return f"{value:g} a week" if value >= 1 else f"{value * 52 / 12:.1f} a month"
    if metric == "change_failure_rate":
        return f"{100 * value:.0f}%"
    if value < 48:
        return f"{value:.1f} hours"
    return f"{value / 24:.1f} days"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def _split(key: str) -> tuple[str, str]:
    prefix, _, metric = key.partition(".")
    return prefix, metric


def _basis(prefix: str, detail: Any) -> str:
    if prefix == "ci":
        return "ci"
    basis = detail.get("basis") if isinstance(detail, dict) else None
    return str(basis) if basis else ""


def _points(signals: pd.DataFrame, team_names: dict[int, str]) -> list[dict[str, Any]]:
    points = []
    for row in signals.itertuples(index=False):
        prefix, metric = _split(str(row.key))
        value = _number(row.value)
        if metric not in METRICS or prefix not in PREFIXES or value is None or int(row.team_id) not in team_names:
            continue
        points.append(
            {
                "team_id": int(row.team_id),
                "team": team_names[int(row.team_id)],
                "subject": str(row.subject or ""),
                "metric": metric,
                "basis": _basis(prefix, row.detail),
                "observed_at": row.observed_at,
                "value": value,
                "current": bool(row.current),
            }
        )
    return points


def current_metrics(signals: pd.DataFrame, bands: Bands, team_names: dict[int, str]) -> pd.DataFrame:
    """One row per team, source, basis and metric for the current signals; a metric a source does not
    measure gets a row that says what it would need. `signals` has team_id, key, value, detail, subject,
    observed_at and current; teams not in `team_names` are left out."""
    current = [point for point in _points(signals, team_names) if point["current"]]
    found = {(p["team_id"], p["subject"], p["basis"], p["metric"]): p for p in current}
    sources = sorted({(p["team"], p["team_id"], p["subject"], p["basis"]) for p in current})
    rows = []
    for team, team_id, subject, basis in sources:
        for metric in METRICS:
            point = found.get((team_id, subject, basis, metric))
            measures = bands.metrics[metric]
            row: dict[str, Any] = {"team_id": team_id, "team": team, "subject": subject, "metric": metric}
            row["metric_name"] = measures.name
            row["basis"] = basis
            if point is None:
                row.update(value=math.nan, shown="", basis_label=NOT_MEASURED[metric], band="", band_label="")
                row.update(reported="", observed_at=pd.NaT)
            else:
                edge = measures.edge_for(point["value"])
                row.update(value=point["value"], shown=format_value(metric, point["value"]))
                row.update(basis_label=BASIS_LABELS.get(basis, f"from {basis}" if basis else "basis not recorded"))
                row.update(band=edge.band, band_label=bands.label(edge.band), reported=edge.reported)
                row.update(observed_at=point["observed_at"])
            rows.append(row)
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def metric_history(signals: pd.DataFrame, team_names: dict[int, str]) -> pd.DataFrame:
    """Every observation of every metric, oldest first: one series per team and source."""
    points = _points(signals, team_names)
    for point in points:
        point["series"] = f"{point['team']} \u00b7 {point['subject']}" if point["subject"] else point["team"]
        if point["basis"] == "ci":
            point["series"] += " (CI)"
    frame = pd.DataFrame(points, columns=[*HISTORY_COLUMNS, "current"])[HISTORY_COLUMNS]
    if frame.empty:
        return frame
    frame["observed_at"] = pd.to_datetime(frame["observed_at"], utc=True)
    return frame.sort_values(["metric", "series", "observed_at"], ignore_index=True)
