"""Releases of one wave compared: every published figure's respondents, the rule that refuses a difference
below k, the inputs hash and the scrubbed free text. Pure, from plain frames (no database)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema

from reports.export.release import cell_conflicts, conflicts_message, inputs_hash
from reports.export.scrub import known_names
from reports.export.tag import FORMAT_VERSION, ReleaseInfo, tag_release
from tests.api.test_tag_export import NEED, NOW, Data, typical

K = 5
SCHEMAS = Path(__file__).resolve().parents[2] / "reports" / "data"
KEY = b"test-key"


def release_of(data: Data, **options):
    return tag_release(data.source(), k=K, now=NOW, **options)


def digest(data: Data, key: bytes = KEY) -> str:
    source = data.source()
    return inputs_hash(answers=source.answers, team_kinds=source.team_kinds, links=source.links, key=key)


def validator(version: int) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"tag-export-{version}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_every_published_count_and_mean_is_a_cell_with_its_exact_respondents():
    built = release_of(typical(), release_text=True)
    cells, document = built.cells, built.document
    assert cells["respondents/all"] == (15, True)
    assert cells["respondents/application"] == (12, False), "12 beside 15 would show the 3 platform respondents"
    assert cells["respondents/platform"] == (3, False)
    assert cells["perception/platform/investment/consumer_score"] == (12, True)
    assert cells["perception/platform/investment/provider_score"] == (3, False)
    assert cells["free_text/coop.pains/application"] == (6, True)
    published = {name for name, (_, shown) in cells.items() if shown and name.startswith("level/investment/all/")}
    shown = next(t for t in document["level_distribution"] if (t["aspect"], t["team_kind"]) == ("investment", "all"))
    assert published == {f"level/investment/all/{c['category']}" for c in shown["cells"] if c["count"] is not None}


def test_one_added_respondent_is_refused_naming_the_cells():
    before = release_of(typical()).cells
    after = release_of(typical().team(4, "application", [2], extra=NEED).link(4, 3)).cells
    conflicts = cell_conflicts(new=after, earlier=[(1, before)], k=K)
    names = {c.cell for c in conflicts}
    assert {"respondents/all", "perception/platform/investment/consumer_score"} <= names
    assert all(c.release == 1 for c in conflicts)
    message = conflicts_message(conflicts, k=K, limit=50)
    assert "respondents/all (changed since release 1)" in message and "fewer than 5 respondents" in message


def application_teams() -> Data:
    return Data().team(1, "application", [2] * 10, extra=NEED).team(2, "application", [3] * 5, extra={"cap.data.need": "need_no"})


def test_k_added_respondents_who_answer_alike_are_allowed():
    before = release_of(application_teams()).cells
    after = release_of(application_teams().team(3, "application", [2] * K, extra=NEED)).cells
    assert after["respondents/all"][0] - before["respondents/all"][0] == K
    assert cell_conflicts(new=after, earlier=[(1, before)], k=K) == []


def test_k_added_respondents_who_split_across_levels_are_refused():
    before = release_of(application_teams()).cells
    after = release_of(application_teams().team(3, "application", [2, 2, 2, 3, 3], extra=NEED)).cells
    conflicts = {(c.cell, c.change) for c in cell_conflicts(new=after, earlier=[(1, before)], k=K)}
    assert ("level/investment/all/level_2", "changed") in conflicts, "3 more at level 2 would show 3 people's level"


def test_a_figure_withdrawn_by_suppression_is_refused_even_when_its_count_held():
    before = release_of(typical()).cells
    after = release_of(typical().team(4, "application", [2] * K, extra=NEED).link(4, 3)).cells
    conflicts = cell_conflicts(new=after, earlier=[(1, before)], k=K)
    assert conflicts and {c.change for c in conflicts} == {"withdrawn"}
    assert all(before[c.cell][0] == after[c.cell][0] for c in conflicts), "its value in release 1 would fill the gap"


def test_a_cell_newly_published_or_withdrawn_needs_k_of_difference():
    old = {"a": (3, False), "b": (7, True), "c": (6, True), "d": (2, False)}
    new = {"a": (6, True), "b": (7, False), "c": (6, True), "d": (9, True)}
    conflicts = cell_conflicts(new=new, earlier=[(2, old)], k=K)
    assert [(c.cell, c.change) for c in conflicts] == [("a", "newly published"), ("b", "withdrawn")]


def test_every_earlier_release_is_compared_and_unshared_cells_are_not():
    first, second = {"n": (10, True)}, {"n": (15, True), "free_text/q/application": (5, True)}
    third = {"n": (16, True)}
    conflicts = cell_conflicts(new=third, earlier=[(1, first), (2, second)], k=K)
    assert [(c.cell, c.release) for c in conflicts] == [("n", 2)]


def test_the_inputs_hash_follows_the_answers_and_its_key():
    assert digest(typical()) == digest(typical())
    assert digest(typical()) != digest(typical().team(4, "application", [2]))
    assert digest(typical()) != digest(typical(), key=b"another")
    assert len(digest(typical())) == 64


def test_released_free_text_is_scrubbed_and_counted():
    data = typical()
    data.rows = [
        (*row[:9], "Ask Ada at ada@example.org about Checkout", row[10]) if row[4] == "coop.pains" else row for row in data.rows
    ]
    source = replace(data.source(), names=known_names(people=["Ada"], teams=["Checkout"]))
    built = tag_release(source, k=K, now=NOW, release_text=True, release=ReleaseInfo(1, "0" * 64))
    assert built.document["free_text"][0]["texts"] == ["Ask [person] at [email] about [team]"] * 6
    assert built.scrubbed is not None and built.scrubbed.texts == 6
    assert built.document["release"]["scrubbed"]["replacements"] == {
        "email": 6, "url": 0, "handle": 0, "person": 6, "team": 6, "organization": 0,
    }  # fmt: skip


def test_a_release_validates_against_version_3_and_the_old_schemas_still_hold_old_documents():
    built = release_of(typical(), release_text=True, release=ReleaseInfo(3, "ab" * 32)).document
    assert built["format_version"] == FORMAT_VERSION == 3
    assert not list(validator(3).iter_errors(built))
    assert not list(validator(3).iter_errors(release_of(typical()).document)), "a draft has a null release"
    second = {key: value for key, value in built.items() if key != "practices"} | {"format_version": 2}
    assert not list(validator(2).iter_errors(second))
    assert list(validator(2).iter_errors(built)), "version 2 does not know the practices section"
    old = {key: value for key, value in second.items() if key != "release"} | {"format_version": 1}
    assert not list(validator(1).iter_errors(old))
    assert list(validator(1).iter_errors(second)), "version 1 does not know the release field"
