import csv
import io
from datetime import UTC, datetime

import pandas as pd

from reports.tables import Column, csv_text, render_table

COLUMNS = (
    Column("team", "Team"),
    Column("score", "Score", "score"),
    Column("rate", "Rate", "percent"),
    Column("level", "Level", "level"),
)


def test_it_escapes_text_and_colours_levels_in_html_tables():
    html = render_table(pd.DataFrame([{"team": "<b>Ops</b>", "score": 2.456, "rate": 0.5, "level": 3}]), COLUMNS)

    assert "&lt;b&gt;Ops&lt;/b&gt;" in html
    assert '<td class="num">2.46</td>' in html
    assert '<td class="num">50%</td>' in html
    assert '<td class="level-3">3</td>' in html


def test_it_says_when_the_html_table_is_cut_short():
    frame = pd.DataFrame([{"team": str(i), "score": 1.0, "rate": 0.1, "level": 1} for i in range(5)])

    html = render_table(frame, COLUMNS, max_rows=2)

    assert html.count("<tr>") == 3
    assert "Showing 2 of 5 rows" in html


def test_it_writes_csv_with_labels_and_defuses_formulas():
    frame = pd.DataFrame(
        [
            {"team": "=cmd|' /C calc'!A0", "score": 2.0, "rate": None, "level": 2},
            {"team": "-12", "score": None, "rate": 0.25, "level": None},
        ]
    )

    rows = list(csv.reader(io.StringIO(csv_text(frame, COLUMNS))))

    assert rows[0] == ["Team", "Score", "Rate", "Level"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "2.00", "", "2"]
    assert rows[2] == ["-12", "", "0.2500", ""]


def test_it_writes_dates_as_iso_in_csv():
    frame = pd.DataFrame([{"when": datetime(2026, 1, 2, tzinfo=UTC)}])

    assert csv_text(frame, (Column("when", "When", "date"),)).splitlines()[1] == "2026-01-02T00:00:00+00:00"
