"""The DORA bands file and the banding of each delivery metric, checked by hand at the edges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from reports.frames.delivery import BandsFileError, current_metrics, format_value, metric_history, read_bands

BANDS = read_bands()


def test_the_bands_name_their_source_and_year():
    assert BANDS.year == 2023
    assert "State of DevOps Report 2023" in BANDS.source_title
    assert BANDS.source_url.startswith("https://dora.dev/")
    assert BANDS.label("elite") == "Elite (DORA 2023)"


@pytest.mark.parametrize(
    ("metric", "value", "band"),
    [
        ("deploys_per_week", 7.01, "elite"),
        ("deploys_per_week", 7, "high"),  # exactly daily is "between once a day and once a week"
        ("deploys_per_week", 1, "high"),
        ("deploys_per_week", 0.99, "medium"),
        ("deploys_per_week", 0.23, "medium"),
        ("deploys_per_week", 0.22, "low"),
        ("deploys_per_week", 0, "low"),
        ("lead_time_hours", 23.9, "elite"),
        ("lead_time_hours", 24, "high"),
        ("lead_time_hours", 168, "high"),
        ("lead_time_hours", 168.1, "medium"),
        ("lead_time_hours", 720, "medium"),
        ("lead_time_hours", 721, "low"),
        ("change_failure_rate", 0, "elite"),
        ("change_failure_rate", 0.05, "elite"),
        ("change_failure_rate", 0.051, "high"),
        ("change_failure_rate", 0.15, "medium"),
        ("change_failure_rate", 0.16, "low"),
        ("time_to_restore_hours", 0.9, "elite"),
        ("time_to_restore_hours", 1, "high"),
        ("time_to_restore_hours", 24, "medium"),
        ("time_to_restore_hours", 168, "medium"),
        ("time_to_restore_hours", 169, "low"),
    ],
)
def test_each_value_falls_in_the_band_its_edges_say(metric, value, band):
    assert BANDS.band_of(metric, value) == band


def test_figures_read_as_people_say_them():
    assert format_value("deploys_per_week", 3.5) == "3.5 a week"
    assert format_value("deploys_per_week", 0.23) == "1.0 a month"
    assert format_value("lead_time_hours", 30) == "30.0 hours"
    assert format_value("lead_time_hours", 72) == "3.0 days"
    assert format_value("change_failure_rate", 0.125) == "12%"


def _signals(*rows):
    columns = ["team_id", "key", "value", "detail", "subject", "observed_at", "current"]
    return pd.DataFrame(list(rows), columns=columns)


def test_each_metric_carries_its_basis_and_a_missing_one_says_what_it_needs():
    at = datetime(2026, 3, 1, tzinfo=UTC)
    merges = {"basis": "merges"}
    signals = _signals(
        (1, "delivery.deploys_per_week", 2.0, merges, "shop", at, True),
        (1, "delivery.deploys_per_week", 0.5, merges, "shop", datetime(2026, 2, 1, tzinfo=UTC), False),
        (1, "ci.change_failure_rate", 0.2, {}, "shop", at, True),
        (1, "ci.standard_pipeline", True, {}, "shop", at, True),
        (2, "delivery.deploys_per_week", 9.0, {"basis": "deployments"}, "hidden", at, True),
    )
    table = current_metrics(signals, BANDS, {1: "Checkout"})
    assert set(table["team"]) == {"Checkout"}
    merged = table[table["basis"] == "merges"].set_index("metric")
    assert merged.loc["deploys_per_week", "basis_label"] == "from merges to the default branch"
    assert merged.loc["deploys_per_week", "band_label"] == "High (DORA 2023)"
    assert merged.loc["lead_time_hours", "basis_label"].startswith("not measured")
    pushed = table[table["basis"] == "ci"].set_index("metric")
    assert pushed.loc["change_failure_rate", "band"] == "low"
    assert pushed.loc["change_failure_rate", "basis_label"] == "pushed from CI"

    history = metric_history(signals, {1: "Checkout"})
    weekly = history[history["metric"] == "deploys_per_week"]
    assert weekly["value"].tolist() == [0.5, 2.0]
    assert set(history["series"]) == {"Checkout \u00b7 shop", "Checkout \u00b7 shop (CI)"}


def test_a_bands_file_with_a_band_that_names_no_edge_is_refused(tmp_path: Path):
    text = Path("reports/data/delivery/dora-bands-2023.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "bands.yaml"
    broken.write_text(text.replace("{band: high, at_least: 1,", "{band: high,"), encoding="utf-8")
    with pytest.raises(BandsFileError, match="exactly one"):
        read_bands(broken)
