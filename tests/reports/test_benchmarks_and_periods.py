from datetime import UTC, datetime

import pytest

from reports.benchmarks import BenchmarkFileError, load_benchmarks, parse_benchmarks
from reports.conf import DATA
from reports.periods import digest_period

BUNDLED = DATA / "benchmarks" / "state-of-platform-engineering.yaml"


def test_it_reads_the_published_state_of_platform_engineering_figures_newest_first():
    editions = load_benchmarks(BUNDLED)

    assert [(e.volume, e.year, e.respondents) for e in editions] == [(4, 2025, 518), (3, 2024, 281)]
    assert editions[0].label == "State of Platform Engineering Report Vol. 4 (2025)"
    assert editions[0].levels["measurement"] == (35.2, 20.2, 25.8, 18.8)
    assert editions[0].mean_level("investment") == 2.41


def edition(**levels):
    base = {aspect: [25, 25, 25, 25] for aspect in ("investment", "adoption", "interfaces", "operations", "measurement")}
    base.update(levels)
    return {"editions": [{"key": "x", "source": "S", "volume": 1, "year": 2020, "respondents": 10, "levels": base}]}


def test_it_refuses_percentages_that_do_not_add_up():
    with pytest.raises(BenchmarkFileError, match="add up to 90"):
        parse_benchmarks(edition(adoption=[20, 20, 25, 25]))


def test_it_refuses_an_edition_without_every_aspect():
    data = edition()
    del data["editions"][0]["levels"]["operations"]
    with pytest.raises(BenchmarkFileError, match=r"editions\[0\]\.levels: 'operations' is missing"):
        parse_benchmarks(data)


def test_it_keys_a_weekly_digest_by_iso_week_and_looks_back_seven_days():
    period = digest_period(frequency="weekly", now=datetime(2026, 11, 2, 7, tzinfo=UTC))

    assert period.key == "2026-W45"
    assert period.start == datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert digest_period(frequency="weekly", now=datetime(2026, 11, 8, 23, tzinfo=UTC)).key == "2026-W45"


def test_it_keys_a_monthly_digest_by_month():
    period = digest_period(frequency="monthly", now=datetime(2026, 3, 1, 7, tzinfo=UTC))

    assert (period.key, period.label) == ("2026-03", "March 2026")
    assert period.start == datetime(2026, 2, 1, 7, tzinfo=UTC)


def test_it_refuses_an_unknown_frequency():
    with pytest.raises(ValueError, match="daily"):
        digest_period(frequency="daily", now=datetime(2026, 3, 1, tzinfo=UTC))
