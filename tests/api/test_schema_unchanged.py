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


def without_prose(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: without_prose(value) for key, value in node.items() if key not in PROSE}
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
