"""Every domain data file is validated by the JSON Schema beside it, through the one loader, with one error type."""

from __future__ import annotations

import copy
import json
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from assessor import maturity
from assessor.capabilities import read_capabilities
from assessor.datafiles import (
    PROJECT_ROOT,
    DataFileInvalid,
    check_data,
    json_path,
    parse_data_text,
    read_data_file,
    schema_validator,
)
from assessor.models import Team
from assessor.scoring import frames
from assessor.scoring import rubric as rubric_module
from assessor.yamlsafe import load_yaml
from collectors import rules
from collectors.cluster import load_catalog
from collectors.detect import DetectorsFileError, load_detectors
from collectors.models.evidence import Aspect as EvidenceAspect
from collectors.rules import RulesFileError, load_rules
from reports.benchmarks import BenchmarkFileError, load_benchmarks
from reports.frames.delivery import BandsFileError, read_bands
from reports.practices import PracticeFileError, read_practices
from reports.tagging import VocabularyFileError, read_vocabulary
from surveys import instruments
from surveys.demo_answers import read_demo_data
from surveys.instruments import InstrumentError, read_instrument_file

Mutation = Callable[[Any], Any]


@dataclass(frozen=True)
class Kind:
    """One kind of data file: where the bundled files are, their schema, and the reader the app uses."""

    name: str
    files: tuple[Path, ...]
    schema: Path
    read: Callable[[Path], Any]
    error: type[DataFileInvalid] = DataFileInvalid


def _bundled(pattern: str) -> tuple[Path, ...]:
    found = tuple(sorted(PROJECT_ROOT.glob(pattern)))
    assert found, pattern
    return found


KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "maturity model",
            _bundled("assessor/data/maturity_model/*.yaml"),
            PROJECT_ROOT / "assessor/data/maturity_model/maturity-model.schema.json",
            maturity.read_model_file,
            maturity.ModelFileError,
        ),
        Kind(
            "rubric",
            _bundled("assessor/data/rubrics/rubric-*.yaml"),
            PROJECT_ROOT / "assessor/data/rubrics/rubric.schema.json",
            rubric_module.read_rubric_file,
            rubric_module.RubricError,
        ),
        Kind(
            "capabilities",
            _bundled("assessor/data/capabilities.yaml"),
            PROJECT_ROOT / "assessor/data/capabilities.schema.json",
            read_capabilities,
        ),
        Kind(
            "instrument",
            _bundled("surveys/data/instruments/*.yaml"),
            PROJECT_ROOT / "surveys/data/instruments/instrument.schema.json",
            read_instrument_file,
            InstrumentError,
        ),
        Kind("demo data", _bundled("surveys/data/demo.yaml"), PROJECT_ROOT / "surveys/data/demo.schema.json", read_demo_data),
        Kind(
            "evidence rules",
            _bundled("collectors/data/evidence_rules/*.yaml"),
            PROJECT_ROOT / "collectors/data/evidence_rules/evidence-rules.schema.json",
            load_rules,
            RulesFileError,
        ),
        Kind(
            "detectors",
            _bundled("collectors/data/detectors-*.yaml"),
            PROJECT_ROOT / "collectors/data/detectors.schema.json",
            load_detectors,
            DetectorsFileError,
        ),
        Kind(
            "cluster capabilities",
            _bundled("collectors/data/cluster-capabilities-*.yaml"),
            PROJECT_ROOT / "collectors/data/cluster-capabilities.schema.json",
            load_catalog,
        ),
        Kind(
            "practices",
            _bundled("reports/data/practices/practices-*.yaml"),
            PROJECT_ROOT / "reports/data/practices/practices.schema.json",
            read_practices,
            PracticeFileError,
        ),
        Kind(
            "tagging vocabulary",
            _bundled("reports/data/tagging/vocabulary-*.yaml"),
            PROJECT_ROOT / "reports/data/tagging/vocabulary.schema.json",
            read_vocabulary,
            VocabularyFileError,
        ),
        Kind(
            "delivery bands",
            _bundled("reports/data/delivery/dora-bands-*.yaml"),
            PROJECT_ROOT / "reports/data/delivery/dora-bands.schema.json",
            read_bands,
            BandsFileError,
        ),
        Kind(
            "benchmarks",
            _bundled("reports/data/benchmarks/*.yaml"),
            PROJECT_ROOT / "reports/data/benchmarks/benchmarks.schema.json",
            load_benchmarks,
            BenchmarkFileError,
        ),
    )
}
BUNDLED = [(kind.name, path) for kind in KINDS.values() for path in kind.files]
# YAML under */data that is not domain data: a GitHub issue-form template, GitHub's own format, which
# surveys/issueforms.py converts (and checks) when it is imported.
NOT_DOMAIN_DATA = {PROJECT_ROOT / "surveys/data/issue_forms/infrastructure.yaml"}
# Schemas of API payloads rather than data files.
API_SCHEMAS = {
    PROJECT_ROOT / "collectors/data/ci-evidence.schema.json",
    PROJECT_ROOT / "reports/data/tag-export-1.schema.json",
    PROJECT_ROOT / "reports/data/tag-export-2.schema.json",
    PROJECT_ROOT / "reports/data/tag-export-3.schema.json",
}


def raw(path: Path) -> Any:
    return load_yaml(path.read_bytes())


# --- every bundled file, every schema --------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "path"), BUNDLED, ids=[str(path.relative_to(PROJECT_ROOT)) for _, path in BUNDLED])
def test_every_bundled_data_file_validates_and_reads(kind, path):
    assert read_data_file(path, KINDS[kind].schema) == raw(path)
    assert KINDS[kind].read(path)


def test_every_yaml_data_file_has_a_schema_beside_it():
    covered = {path for _, path in BUNDLED}
    data_files = {p for p in PROJECT_ROOT.glob("*/data/**/*.yaml") if ".venv" not in p.parts}
    assert data_files - NOT_DOMAIN_DATA == covered
    for kind in KINDS.values():
        assert all(kind.schema.parent == path.parent for path in kind.files), kind.name
    schemas = {p for p in PROJECT_ROOT.glob("*/data/**/*.schema.json") if ".venv" not in p.parts}
    assert schemas - API_SCHEMAS == {kind.schema for kind in KINDS.values()}


def _fields_without_description(schema: dict[str, Any], node: Any, where: str) -> list[str]:
    """Fields declared under "properties" that neither carry a description nor refer to a described definition.

    Only declarations are followed (properties, items, additionalProperties, $defs), not the subschemas of
    rules such as if/then or prefixItems, which restate a declared field rather than declare one.
    """
    if not isinstance(node, dict):
        return []
    missing = []
    for name, sub in (node.get("properties") or {}).items():
        target = sub
        if isinstance(sub, dict) and set(sub) == {"$ref"}:
            target = schema["$defs"][sub["$ref"].rsplit("/", 1)[-1]]
        if not (isinstance(target, dict) and target.get("description")):
            missing.append(f"{where}.{name}")
        missing += _fields_without_description(schema, sub, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        missing += _fields_without_description(schema, node.get(key), f"{where}[]")
    for name, sub in (node.get("$defs") or {}).items():
        missing += _fields_without_description(schema, sub, f"$defs.{name}")
    return missing


@pytest.mark.parametrize("kind", KINDS)
def test_each_schema_is_draft_2020_12_strict_and_described(kind):
    schema = json.loads(KINDS[kind].schema.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] and schema["description"]
    assert schema["additionalProperties"] is False
    assert _fields_without_description(schema, schema, "") == []


def test_schemas_are_read_once():
    schema = KINDS["evidence rules"].schema
    assert schema_validator(schema) is schema_validator(schema)


# --- broken copies -----------------------------------------------------------------------------------------


def _set(*path: Any, value: Any) -> Mutation:
    def mutate(doc: Any) -> None:
        for step in path[:-1]:
            doc = doc[step]
        doc[path[-1]] = value

    return mutate


def _delete(*path: Any) -> Mutation:
    def mutate(doc: Any) -> None:
        for step in path[:-1]:
            doc = doc[step]
        del doc[path[-1]]

    return mutate


BROKEN = [
    # (kind, what is wrong, mutation, JSON path and message expected)
    (
        "maturity model",
        "missing",
        _delete("aspects", 1, "cells", 2, "summary"),
        r"aspects\[1\]\.cells\[2\]: 'summary' is a required",
    ),
    ("maturity model", "type", _set("version", value=1.0), r"version: 1\.0 is not of type 'string'"),
    ("maturity model", "unknown", _set("aspects", 0, "colour", value="red"), r"aspects\[0\]: unknown field 'colour'"),
    ("maturity model", "level", _set("levels", 3, "number", value=5), r"levels\[3\]\.number: 5 is greater than the maximum of 4"),
    ("rubric", "missing", _delete("confidence", "stale_days"), r"confidence: 'stale_days' is a required property"),
    ("rubric", "type", _set("confidence", "fresh_days", value="30"), r"confidence\.fresh_days: '30' is not of type 'integer'"),
    ("rubric", "unknown", _set("confidence", "weights", "luck", value=0.1), r"confidence\.weights: unknown field 'luck'"),
    (
        "rubric",
        "level",
        _set("disagreement", "levels_apart", value=4),
        r"disagreement\.levels_apart: 4 is greater than the maximum",
    ),
    ("capabilities", "missing", _delete("domains", 3, "name"), r"domains\[3\]: 'name' is a required property"),
    ("capabilities", "type", _set("domains", 0, "examples", value="Backstage"), r"domains\[0\]\.examples: 'Backstage' is not"),
    ("capabilities", "unknown", _set("domains", 0, "owner", value="x"), r"domains\[0\]: unknown field 'owner'"),
    ("capabilities", "pattern", _set("domains", 1, "key", value="APIs"), r"domains\[1\]\.key: 'APIs' does not match"),
    (
        "instrument",
        "missing",
        _delete("sections", 2, "questions", 0, "text"),
        r"sections\[2\]\.questions\[0\]: 'text' is a required",
    ),
    (
        "instrument",
        "type",
        _set("sections", 0, "questions", 0, "required", value="yes"),
        r"questions\[0\]\.required: 'yes' is not of",
    ),
    ("instrument", "unknown", _set("sections", 1, "hint", value="x"), r"sections\[1\]: unknown field 'hint'"),
    (
        "instrument",
        "level",
        _set("sections", 1, "questions", 0, "options", 2, "level", value=0),
        r"options\[2\]\.level: 0 is less than",
    ),
    ("demo data", "missing", _delete("teams"), r"'teams' is a required property"),
    ("demo data", "type", _set("common_needs", value="data"), r"common_needs: 'data' is not of type 'array'"),
    ("demo data", "unknown", _set("teams", "checkout", "budget", value=3), r"teams\.checkout: unknown field 'budget'"),
    ("demo data", "pattern", _set("teams", "mobile", "size", value="huge"), r"teams\.mobile\.size: 'huge' does not match"),
    ("evidence rules", "missing", _delete("rules", 3, "direction"), r"rules\[3\]: 'direction' is a required property"),
    ("evidence rules", "type", _set("rules", 0, "weight", value="heavy"), r"rules\[0\]\.weight: 'heavy' is not of type 'number'"),
    ("evidence rules", "unknown", _set("rules", 2, "when", 0, "above", value=1), r"rules\[2\]\.when\[0\]: unknown field 'above'"),
    ("evidence rules", "level", _set("rules", 3, "level", value=7), r"rules\[3\]\.level: 7 is greater than the maximum of 4"),
    ("detectors", "missing", _delete("paths", 4, "tool"), r"paths\[4\]: 'tool' is a required property"),
    ("detectors", "type", _set("claim_spec_keys", value="compositionRef"), r"claim_spec_keys: 'compositionRef' is not of type"),
    ("detectors", "unknown", _set("kinds", 0, "version", value="v1"), r"kinds\[0\]: unknown field 'version'"),
    ("detectors", "pattern", _set("categories", "Bad Name", value="x"), r"categories: 'Bad Name' does not match"),
    ("cluster capabilities", "missing", _delete("capabilities", 2, "domain"), r"capabilities\[2\]: 'domain' is a required"),
    (
        "cluster capabilities",
        "type",
        _set("capabilities", 0, "crds", value="x.io"),
        r"capabilities\[0\]\.crds: 'x\.io' is not of type",
    ),
    ("cluster capabilities", "unknown", _set("resources", 1, "scope", value="x"), r"resources\[1\]: unknown field 'scope'"),
    ("cluster capabilities", "enum", _set("resources", 0, "role", value="boss"), r"resources\[0\]\.role: 'boss' is not one of"),
    ("delivery bands", "missing", _delete("metrics", 0, "name"), r"metrics\[0\]: 'name' is a required property"),
    ("delivery bands", "type", _set("year", value="2023"), r"year: '2023' is not of type 'integer'"),
    ("delivery bands", "unknown", _set("source", "colour", value="red"), r"source: unknown field 'colour'"),
    ("delivery bands", "enum", _set("metrics", 0, "better", value="sideways"), r"metrics\[0\]\.better: 'sideways' is not one of"),
    ("tagging vocabulary", "missing", _delete("version"), r"'version' is a required property"),
    (
        "tagging vocabulary",
        "type",
        _set("capabilities", "data", value="database"),
        r"capabilities\.data: 'database' is not of type",
    ),
    ("tagging vocabulary", "unknown", _set("colour", value="red"), r"unknown field 'colour'"),
    (
        "tagging vocabulary",
        "enum",
        _set("tools", 0, "mechanism", value="by_owl"),
        r"tools\[0\]\.mechanism: 'by_owl' is not one of",
    ),
    ("practices", "missing", _delete("practices", 2, "name"), r"practices\[2\]: 'name' is a required property"),
    (
        "practices",
        "type",
        _set("practices", 0, "signals", 0, "at_least", value="one"),
        r"practices\[0\]\.signals\[0\]\.at_least: 'one' is not of type",
    ),
    ("practices", "unknown", _set("practices", 1, "colour", value="red"), r"practices\[1\]: unknown field 'colour'"),
    (
        "practices",
        "enum",
        _set("practices", 3, "delivery", value=["by_owl"]),
        r"practices\[3\]\.delivery\[0\]: 'by_owl' is not one of",
    ),
    ("benchmarks", "missing", _delete("editions", 1, "year"), r"editions\[1\]: 'year' is a required property"),
    ("benchmarks", "type", _set("editions", 0, "respondents", value="518"), r"editions\[0\]\.respondents: '518' is not of type"),
    ("benchmarks", "unknown", _set("editions", 0, "colour", value="red"), r"editions\[0\]: unknown field 'colour'"),
    (
        "benchmarks",
        "levels",
        _set("editions", 0, "levels", "adoption", value=[50, 50]),
        r"levels\.adoption: has 2 items; at least 4",
    ),
]


def _write_broken(kind: Kind, mutate: Mutation, tmp_path: Path) -> Path:
    source = kind.files[0]
    doc = copy.deepcopy(raw(source))
    mutate(doc)
    path = tmp_path / source.name  # the same name, so a rubric's version still matches its file name
    path.write_text(json.dumps(doc))  # YAML's JSON subset
    return path


@pytest.mark.parametrize(("kind", "what", "mutate", "message"), BROKEN, ids=[f"{k}-{w}" for k, w, _, _ in BROKEN])
def test_a_broken_copy_is_refused_naming_the_file_and_the_json_path(tmp_path, kind, what, mutate, message):
    path = _write_broken(KINDS[kind], mutate, tmp_path)
    with pytest.raises(DataFileInvalid) as caught:
        KINDS[kind].read(path)
    assert isinstance(caught.value, KINDS[kind].error)
    assert caught.value.path == path
    line = next((line for line in str(caught.value).splitlines() if re.search(message, line)), None)
    assert line is not None, str(caught.value)
    assert line.startswith(f"{path}: ")


def test_every_schema_has_broken_copies_for_each_kind_of_mistake():
    by_kind: dict[str, set[str]] = {}
    for kind, what, _, _ in BROKEN:
        by_kind.setdefault(kind, set()).add(what)
    assert set(by_kind) == set(KINDS)
    assert all({"missing", "type", "unknown"} <= found and len(found) == 4 for found in by_kind.values())


# --- what the schemas cannot say, raised as the same error -------------------------------------------------


CROSS_CHECKS = [
    ("maturity model", _set("aspects", 4, "key", value="investment"), r"aspects: the key 'investment' is used by two aspects"),
    ("maturity model", _set("aspects", 4, "key", value="feedback"), r"aspects: must be, in order: investment, adoption"),
    ("rubric", _set("confidence", "weights", "evidence", value=0.5), r"confidence\.weights: the weights must add"),
    ("rubric", _set("confidence", "stale_days", value=10), r"confidence\.stale_days: 10 must be above fresh_days \(30\)"),
    ("capabilities", _set("domains", 1, "key", value="web_portals"), r"domains: keys must be unique; repeated: web_portals"),
    (
        "instrument",
        _set("sections", 0, "questions", 1, "key", value="about.team_size"),
        r"questions\[1\]\.key: the key is used twice",
    ),
    (
        "instrument",
        _set("sections", 1, "questions", 0, "aspect", value="happiness"),
        r"aspect: 'happiness' is not an aspect of the",
    ),
    ("demo data", _set("common_needs", 0, value="teleportation"), r"common_needs\[0\]: 'teleportation' is not a domain"),
    ("evidence rules", _set("rules", 1, "aspect", value="happiness"), r"rules\[1\]\.aspect: 'happiness' is not an aspect of the"),
    ("evidence rules", _set("rules", 1, "key", value="investment-codeowners-team"), r"rules: rule keys must be unique"),
    (
        "detectors",
        _set("kinds", 0, "category", value="astrology"),
        r"kinds\[0\]\.category: 'astrology' is not one of the categories",
    ),
    (
        "cluster capabilities",
        _set("capabilities", 0, "domain", value="space"),
        r"capabilities\[0\]\.domain: 'space' is not a domain",
    ),
    ("practices", _set("practices", 1, "key", value="gitops"), r"practices: keys appear twice: gitops"),
    ("benchmarks", _set("editions", 1, "key", value="sope-vol-4"), r"editions: edition keys must be unique"),
    ("benchmarks", _set("editions", 0, "levels", "adoption", value=[10, 10, 10, 10]), r"adoption: the percentages add up to 40"),
]


@pytest.mark.parametrize(
    ("kind", "mutate", "message"), CROSS_CHECKS, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(CROSS_CHECKS)]
)
def test_checks_a_schema_cannot_express_raise_the_same_error_with_a_json_path(tmp_path, kind, mutate, message):
    path = _write_broken(KINDS[kind], mutate, tmp_path)
    with pytest.raises(KINDS[kind].error) as caught:
        KINDS[kind].read(path)
    assert re.search(rf"^{re.escape(str(path))}: .*{message}", str(caught.value), re.MULTILINE), str(caught.value)


def test_a_rubric_whose_version_does_not_match_its_file_name_is_refused(tmp_path):
    path = tmp_path / "rubric-7.yaml"
    path.write_bytes(KINDS["rubric"].files[0].read_bytes())
    with pytest.raises(rubric_module.RubricError, match=r"rubric-7\.yaml: version: '1' does not match the file name"):
        rubric_module.read_rubric_file(path)


# --- the loader itself -------------------------------------------------------------------------------------

SCHEMA = KINDS["evidence rules"].schema


def test_each_violation_is_one_line_naming_the_file_and_the_place(tmp_path):
    path = tmp_path / "rules-1.yaml"
    path.write_text('version: "1"\nrules:\n  - {key: a, aspect: adoption, level: 7, direction: up, explanation: e, when: []}\n')
    with pytest.raises(DataFileInvalid) as caught:
        read_data_file(path, SCHEMA)
    assert str(caught.value).splitlines() == [
        f"{path}: rules[0].direction: 'up' is not one of ['supports', 'contradicts']",
        f"{path}: rules[0].level: 7 is greater than the maximum of 4",
        f"{path}: rules[0].when: must not be empty",
    ]
    assert caught.value.problems[1] == "rules[0].level: 7 is greater than the maximum of 4"


def test_files_inside_the_project_are_named_by_their_path_in_it():
    doc = raw(KINDS["evidence rules"].files[0])
    doc["rules"][3]["level"] = 7
    path = KINDS["evidence rules"].files[0]
    with pytest.raises(DataFileInvalid) as caught:
        check_data(doc, SCHEMA, source=path)
    assert str(caught.value) == "collectors/data/evidence_rules/rules-1.yaml: rules[3].level: 7 is greater than the maximum of 4"


def test_unreadable_files_and_bad_yaml_are_the_same_error(tmp_path):
    with pytest.raises(RulesFileError, match=r"missing\.yaml: Cannot read the file"):
        read_data_file(tmp_path / "missing.yaml", SCHEMA, error=RulesFileError)
    with pytest.raises(DataFileInvalid, match=r"^rules: Not valid YAML"):
        parse_data_text("rules: [unclosed\n", SCHEMA, source="rules")
    with pytest.raises(DataFileInvalid, match="aliases are not accepted"):
        parse_data_text("a: &x 1\nb: *x\n", SCHEMA, source="rules")


def test_keys_that_are_not_text_are_refused_before_the_schema():
    with pytest.raises(DataFileInvalid, match=r"^rules: rules\[0\]: the key 1 is not text; quote it$"):
        parse_data_text('version: "1"\nrules:\n  - {1: a}\n', SCHEMA, source="rules")


def test_long_values_are_described_not_printed_and_long_lists_are_cut():
    doc = {"version": "1", "rules": [{"key": "k" * 500, "aspect": "adoption"}] * 30}
    with pytest.raises(DataFileInvalid) as caught:
        check_data(doc, SCHEMA, source="rules")
    lines = str(caught.value).splitlines()
    described = "rules: rules[0].key: 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk'... (500 characters) does not match"
    assert any(line.startswith(described) for line in lines)
    assert "k" * 41 not in str(caught.value)
    assert len(caught.value.problems) > 30 and len(lines) == 21
    assert lines[-1] == f"rules: ... and {len(caught.value.problems) - 20} more problems"


def test_the_error_survives_pickling_as_celery_does_with_task_errors():
    error = RulesFileError("rules[0].level: too high", "rules[1]: unknown field 'x'", source=Path("/tmp/rules.yaml"))
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is RulesFileError and str(again) == str(error) and again.path == error.path


def test_the_error_types_callers_catch_are_the_one_error_type():
    for error in (
        maturity.ModelFileError,
        InstrumentError,
        RulesFileError,
        DetectorsFileError,
        rubric_module.RubricError,
        BenchmarkFileError,
    ):
        assert issubclass(error, DataFileInvalid) and issubclass(error, ValueError)
    assert str(InstrumentError("Form element 1: must be a mapping.")) == "Form element 1: must be a mapping."


def test_json_paths_read_like_the_documents():
    assert json_path(["rules", 3, "level"]) == "rules[3].level"
    assert json_path(["categories", "sidecar.istio.io/inject"]) == 'categories["sidecar.istio.io/inject"]'
    assert json_path(["teams", "developer-platform", "size"]) == "teams.developer-platform.size"
    assert json_path([]) == ""


# --- the vocabulary comes from the bundled model -----------------------------------------------------------


def test_aspects_and_levels_are_the_bundled_models_in_its_order():
    doc = raw(maturity.BUNDLED_MODEL_FILE)
    keys = tuple(aspect["key"] for aspect in doc["aspects"])
    levels = {level["number"]: level["name"] for level in doc["levels"]}
    assert maturity.ASPECT_KEYS == frames.ASPECTS == instruments.ASPECTS == keys
    assert keys == ("investment", "adoption", "interfaces", "operations", "measurement")
    assert maturity.LEVEL_NUMBERS == frames.LEVELS == tuple(levels) == (1, 2, 3, 4)
    assert levels == instruments.LEVEL_NAMES
    assert (frames.LOWEST_LEVEL, frames.HIGHEST_LEVEL) == (1, 4)
    assert [frames.clamp_level(n) for n in (0, 1, 3, 9)] == [1, 1, 3, 4]


def test_the_evidence_aspect_choices_kept_for_the_migration_match_the_model():
    assert [(value, label) for value, label in EvidenceAspect.choices] == list(maturity.ASPECT_NAMES.items())


def test_the_instrument_schema_and_the_python_constants_agree():
    schema = json.loads(KINDS["instrument"].schema.read_text())
    question = schema["$defs"]["question"]["properties"]
    assert tuple(question["type"]["enum"]) == instruments.QUESTION_TYPES
    assert tuple(question["roles"]["items"]["enum"]) == instruments.ROLES


def test_the_rules_schema_and_the_python_constants_agree():
    schema = json.loads(KINDS["evidence rules"].schema.read_text())
    rule, condition = schema["$defs"]["rule"]["properties"], schema["$defs"]["condition"]["properties"]
    assert tuple(rule["direction"]["enum"]) == rules.DIRECTIONS
    assert tuple(rule["team_kinds"]["items"]["enum"]) == rules.TEAM_KINDS == tuple(Team.Kind.values)
    assert set(rules.OPERATORS) < set(condition)


# --- commands ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_model_with_a_broken_file_is_a_command_error_with_the_message(tmp_path):
    path = _write_broken(KINDS["maturity model"], _set("levels", 3, "number", value=5), tmp_path)
    with pytest.raises(CommandError, match=rf"^{re.escape(str(path))}: levels\[3\]\.number: 5 is greater than the maximum of 4"):
        call_command("load_model", str(path))


@pytest.mark.django_db
def test_load_instrument_with_a_broken_file_is_a_command_error_with_the_message(tmp_path):
    path = _write_broken(KINDS["instrument"], _set("sections", 1, "hint", value="x"), tmp_path)
    with pytest.raises(CommandError, match=rf"{re.escape(str(path))}: sections\[1\]: unknown field 'hint'"):
        call_command("load_instrument", str(path))


@pytest.mark.django_db
def test_rescore_with_a_broken_rubric_is_a_command_error_with_the_message(tmp_path, monkeypatch):
    path = _write_broken(KINDS["rubric"], _set("confidence", "fresh_days", value="30"), tmp_path)
    monkeypatch.setattr(rubric_module, "RUBRIC_DIR", tmp_path)
    with pytest.raises(CommandError, match=rf"^{re.escape(str(path))}: confidence\.fresh_days: '30' is not of type 'integer'"):
        call_command("rescore", "--rubric", "1")
