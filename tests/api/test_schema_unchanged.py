"""The OpenAPI description stays as clients know it: compared, apart from prose, with a stored copy.

A deliberate change to the API updates the copy in the same commit:
`DEBUG=1 .venv/bin/python manage.py spectacular --format openapi-json --file tests/fixtures/api/openapi-v1.json`
(then reformat it with `python -m json.tool --sort-keys --indent 1`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

STORED = Path(__file__).resolve().parents[1] / "fixtures" / "api" / "openapi-v1.json"
PROSE = ("description", "summary")
# Integer ranges drf-spectacular takes from the database backend (SQLite says 64 bits, PostgreSQL knows smallint
# and integer): they differ between the two set-ups the suite runs on, so they are left out of the comparison.
BACKEND_BOUNDS = {2**63 - 1, -(2**63), 2**31 - 1, -(2**31), 2**15 - 1, -(2**15)}


def _backend_detail(key: str, value: Any) -> bool:
    return (key in ("maximum", "minimum") and value in BACKEND_BOUNDS) or (key == "format" and value == "int64")


def without_prose(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: without_prose(value) for key, value in node.items() if key not in PROSE and not _backend_detail(key, value)}
    if isinstance(node, list):
        return [without_prose(item) for item in node]
    return node


def test_the_schema_matches_the_stored_copy_apart_from_descriptions():
    generated = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    stored = json.loads(STORED.read_text())
    assert sorted(generated["paths"]) == sorted(stored["paths"])
    assert without_prose(generated) == without_prose(stored)


def test_the_comparison_notices_a_changed_parameter():
    stored = json.loads(STORED.read_text())
    changed = json.loads(STORED.read_text())
    changed["paths"]["/api/v1/orgs/{org}/scores/"]["get"]["parameters"][0]["name"] = "renamed"
    assert without_prose(changed) != without_prose(stored)
