"""The bundled maturity model file and the parser's checks, without a database."""

import copy

import pytest
from django.conf import settings

from assessor.maturity import ASPECT_KEYS, ModelFileError, parse_model, read_model_file
from assessor.yamlsafe import load_yaml


@pytest.fixture(scope="module")
def raw() -> dict:
    return load_yaml(settings.MATURITY_MODEL_FILE.read_bytes())


def test_the_bundled_model_has_every_cell_filled():
    spec = read_model_file(settings.MATURITY_MODEL_FILE)
    assert [a.key for a in spec.aspects] == list(ASPECT_KEYS)
    for aspect in spec.aspects:
        assert [c.level for c in aspect.cells] == [1, 2, 3, 4]
        for cell in aspect.cells:
            assert cell.summary and cell.characteristics and cell.next_steps and cell.evidence


def test_it_uses_the_published_labels_for_the_top_cells():
    spec = read_model_file(settings.MATURITY_MODEL_FILE)
    by_key = {a.key: a for a in spec.aspects}
    assert by_key["interfaces"].cell(4).label == "Integrated services"
    assert by_key["operations"].cell(4).label == "Managed services"


def test_level_two_accepts_both_names():
    spec = read_model_file(settings.MATURITY_MODEL_FILE)
    assert spec.level_number("Operational") == 2
    assert spec.level_number("operationalized") == 2
    assert spec.level_number("Optimizing") == 4
    with pytest.raises(KeyError):
        spec.level_number("Excellent")


def test_the_hash_changes_with_the_content(raw):
    changed = copy.deepcopy(raw)
    changed["aspects"][0]["cells"][0]["summary"] = "Something else."
    assert parse_model(raw).content_hash != parse_model(changed).content_hash


def test_it_names_a_missing_cell(raw):
    broken = copy.deepcopy(raw)
    del broken["aspects"][2]["cells"][3]
    with pytest.raises(ModelFileError, match=r"aspects\[2\]\.cells: has 3 items; at least 4 needed"):
        parse_model(broken)


def test_it_names_an_empty_field(raw):
    broken = copy.deepcopy(raw)
    broken["aspects"][1]["cells"][0]["next_steps"] = []
    with pytest.raises(ModelFileError, match=r"aspects\[1\]\.cells\[0\]\.next_steps: must not be empty"):
        parse_model(broken)


def test_it_wants_a_quoted_version(raw):
    broken = copy.deepcopy(raw)
    broken["version"] = 1.0
    with pytest.raises(ModelFileError, match=r"version: 1\.0 is not of type 'string'"):
        parse_model(broken)


def test_it_rejects_a_file_that_is_not_a_mapping():
    with pytest.raises(ModelFileError, match="is not of type 'object'"):
        parse_model(["a", "list"])


def test_it_reports_an_unreadable_path(tmp_path):
    with pytest.raises(ModelFileError, match="Cannot read"):
        read_model_file(tmp_path / "missing.yaml")
