"""One defence against formula injection for every CSV: the dashboards' tables and the exports."""

import pytest

from reports import tables
from reports.csvsafe import safe_cell
from reports.export import writers


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tpadded", "'\tpadded"),
        ("\rreturn", "'\rreturn"),
        ("-12", "-12"),
        ("+3.5", "+3.5"),
        ("plain = text", "plain = text"),
        ("", ""),
        (-12, -12),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_stay(value, written):
    assert safe_cell(value) == written


def test_the_tables_and_the_export_writers_share_it():
    assert tables.safe_cell is safe_cell
    assert writers.safe_cell is safe_cell
