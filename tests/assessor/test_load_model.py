import copy

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assessor.maturity import parse_model
from assessor.models import Aspect, Cell, Level, ModelVersion
from assessor.services import model_load
from assessor.yamlsafe import load_yaml

pytestmark = pytest.mark.django_db


def test_loading_twice_creates_no_duplicates(capsys):
    call_command("load_model")
    call_command("load_model")
    assert ModelVersion.objects.count() == 1
    assert Aspect.objects.count() == 5
    assert Level.objects.count() == 4
    assert Cell.objects.count() == 20
    assert "already loaded, unchanged" in capsys.readouterr().out


def test_a_second_version_loads_beside_the_first():
    raw = load_yaml(settings.MATURITY_MODEL_FILE.read_bytes())
    first = model_load(spec=parse_model(raw)).version
    first_summary = Cell.objects.get(aspect__model_version=first, aspect__key="investment", level__number=1).summary

    second_raw = copy.deepcopy(raw)
    second_raw["version"] = "1.1"
    second_raw["aspects"][0]["cells"][0]["summary"] = "A reworded summary for the next version."
    second = model_load(spec=parse_model(second_raw)).version

    assert ModelVersion.objects.count() == 2
    assert Cell.objects.count() == 40
    assert Cell.objects.get(aspect__model_version=first, aspect__key="investment", level__number=1).summary == first_summary
    assert (
        Cell.objects.get(aspect__model_version=second, aspect__key="investment", level__number=1).summary
        == "A reworded summary for the next version."
    )


def test_changed_content_for_the_same_version_updates_in_place():
    raw = load_yaml(settings.MATURITY_MODEL_FILE.read_bytes())
    model_load(spec=parse_model(raw))
    changed = copy.deepcopy(raw)
    changed["aspects"][4]["cells"][3]["label"] = "Renamed"
    result = model_load(spec=parse_model(changed))
    assert result.changed and not result.created
    assert Cell.objects.count() == 20
    assert Cell.objects.get(aspect__key="measurement", level__number=4).label == "Renamed"


def test_a_broken_file_is_a_clear_command_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("model: pemm\nversion: '2'\ntitle: Broken\nlevels: nope\n")
    with pytest.raises(CommandError, match=r"broken\.yaml: levels: 'nope' is not of type 'array'"):
        call_command("load_model", str(path))
    assert ModelVersion.objects.count() == 0
