"""The TAG export document, built from plain frames: what it publishes, what it suppresses, and that no
difference between two exports shows a group smaller than k."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from assessor.scoring.frames import ANSWER_COLUMNS, ASPECTS
from reports.export.suppression import Relation
from reports.export.tag import KINDS, QuestionInfo, TagInput, build_tag_export, tag_counts
from reports.export.writers import TAG_CSV_COLUMNS, tag_rows
from tests.api.test_suppression import another_value_fits

K = 5
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "reports" / "data" / "tag-export-3.schema.json").read_text())
QUESTIONS = [
    QuestionInfo("cap.data.need", "single_choice", "data", ("need_yes", "need_no"), ("app_developer",)),
    QuestionInfo(
        "cap.data.delivery",
        "single_choice",
        "data",
        ("ticket", "self_service"),
        ("app_developer",),
        ("cap.data.need", ("need_yes",)),
    ),
    QuestionInfo("cap.data.provide", "single_choice", "data", ("provide_yes", "provide_no"), ("platform_engineer",)),
    QuestionInfo("coop.pains", "text"),
]
KIND_ROLES = {
    "application": ["app_developer", "manager"],
    "platform": ["platform_engineer"],
    "infrastructure": ["infra_engineer"],
}
ROLE_OF = {"application": "app_developer", "platform": "platform_engineer", "infrastructure": "infra_engineer"}


class Data:
    """Respondents added team by team; `source()` is the export's input."""

    def __init__(self):
        self.rows, self.kinds, self.links, self.next_response = [], {}, [], 1

    def team(self, team_id, kind, levels, *, extra=None, guesses=None):
        self.kinds[team_id] = kind
        for level in levels:
            response, role = self.next_response, ROLE_OF[kind]
            self.next_response += 1
            for aspect in ASPECTS:
                self.rows.append(
                    (1, team_id, response, role, f"{aspect}.q", "single_choice", aspect, "self", None, f"v{level}", level)
                )
                if guesses is not None:
                    self.rows.append(
                        (1, team_id, response, role, f"{aspect}.p", "single_choice", aspect, "consumers", None, "g", guesses)
                    )
            for key, value in (extra or {}).items():
                qtype = "text" if key == "coop.pains" else "single_choice"
                capability = key.split(".")[1] if key.startswith("cap.") else None
                self.rows.append((1, team_id, response, role, key, qtype, None, "self", capability, value, float("nan")))
        return self

    def link(self, consumer, provider):
        self.links.append((consumer, provider))
        return self

    def source(self):
        return TagInput(
            answers=pd.DataFrame(self.rows, columns=list(ANSWER_COLUMNS)),
            team_kinds=self.kinds,
            links=pd.DataFrame(self.links, columns=["consumer_id", "provider_id"]),
            questions=QUESTIONS,
            kind_roles=KIND_ROLES,
            organization_size="101-500",
            model_version="1.0",
            instrument_key="pemm-cooperation",
            instrument_version=1,
            closed_on=date(2026, 5, 31),
        )


NEED = {"cap.data.need": "need_yes", "cap.data.delivery": "ticket", "coop.pains": "Tickets take weeks"}


def typical():
    return (
        Data()
        .team(1, "application", [2, 2, 3, 2, 2, 1], extra=NEED)
        .team(2, "application", [3, 3, 3, 2, 3, 3], extra={"cap.data.need": "need_no"})
        .team(3, "platform", [3, 4, 3], extra={"cap.data.provide": "provide_yes"}, guesses=3)
        .link(1, 3)
        .link(2, 3)
    )


def counts_in(document):
    for row in document["respondents"]:
        yield row["count"]
    for table in document["level_distribution"] + document["cooperation"]:
        yield table["total"]
        for cell in table["cells"]:
            yield cell["count"]


def test_it_never_publishes_a_count_below_k_and_rounds_the_others():
    document = build_tag_export(typical().source(), k=K, now=NOW)
    published = [count for count in counts_in(document) if count is not None]
    assert published and all(count >= K and count % K == 0 for count in published)
    assert document["disclosure_control"]["suppressed_cells"] > 0


def test_a_kind_with_fewer_than_k_respondents_is_suppressed_throughout():
    document = build_tag_export(typical().source(), k=K, now=NOW)
    platform = [t for t in document["level_distribution"] if t["team_kind"] == "platform"]
    assert all(t["total"] is None and all(c["count"] is None for c in t["cells"]) for t in platform)
    assert {r["team_kind"]: r["count"] for r in document["respondents"]}["platform"] is None


CATEGORIES = ("level_1", "level_2", "level_3", "level_4", "no_answer")


def _level_system(document, aspect):
    """One aspect's kinds x levels table and the respondent totals as published (None when suppressed),
    with the additive relations a reader knows hold between them."""
    shown, relations = {}, []
    for row in document["respondents"]:
        shown[("respondents", row["team_kind"])] = row["count"]
    for table in document["level_distribution"]:
        if table["aspect"] == aspect:
            for cell in table["cells"]:
                shown[(table["team_kind"], cell["category"])] = cell["count"]
    for kind in (*KINDS, "all"):
        relations.append(Relation(("respondents", kind), tuple((kind, category) for category in CATEGORIES)))
    for category in CATEGORIES:
        relations.append(Relation(("all", category), tuple((kind, category) for kind in KINDS)))
    relations.append(Relation(("respondents", "all"), tuple(("respondents", kind) for kind in KINDS)))
    return shown, relations


@pytest.mark.parametrize("aspect", ASPECTS)
def test_no_suppressed_level_count_follows_from_the_published_ones(aspect):
    source = typical().source()
    exact = tag_counts(source).counts
    true_counts = {
        key: exact[("respondents", key[1]) if key[0] == "respondents" else ("level", aspect, *key)]
        for key in _level_system(build_tag_export(source, k=K, now=NOW), aspect)[0]
    }
    shown, relations = _level_system(build_tag_export(source, k=K, now=NOW, rounding=1), aspect)
    published = {key: value for key, value in shown.items() if value is not None}
    assert any(value < K for value in true_counts.values()), "the example must have small cells"
    for key, value in true_counts.items():
        if key in published:
            assert value == published[key] >= K
        elif value < K:
            assert another_value_fits(true_counts, relations, published, key, at_least=K), f"{key} = {value} may be below k"
    for relation in relations:
        if relation.total in published:
            held_back = [true_counts[p] for p in relation.parts if p not in published]
            assert not held_back or sum(held_back) >= K


def test_one_more_team_answering_never_shows_as_a_difference_below_k():
    before = build_tag_export(typical().source(), k=K, now=NOW)
    after = build_tag_export(typical().team(4, "application", [1, 4, 2], extra=NEED).link(4, 3).source(), k=K, now=NOW)
    first, second = list(counts_in(before)), list(counts_in(after))
    assert len(first) == len(second)
    for one, other in zip(first, second, strict=True):
        if one is not None and other is not None:
            assert (other - one) % K == 0


def test_perception_gaps_need_k_respondents_on_each_side():
    small = build_tag_export(typical().source(), k=K, now=NOW)
    assert all(row["provider_score"] is None and row["gap"] is None for row in small["perception_gaps"])
    larger = typical().team(5, "platform", [3, 3, 3], guesses=4).link(1, 5).source()
    rows = {(r["provider_kind"], r["aspect"]): r for r in build_tag_export(larger, k=K, now=NOW)["perception_gaps"]}
    investment = rows[("platform", "investment")]
    assert (investment["provider_score"], investment["consumer_score"], investment["gap"]) == (3.2, 2.4, 0.8)
    assert (investment["expected_consumer_score"], investment["expectation_gap"]) == (3.5, 1.1)
    assert rows[("infrastructure", "investment")]["provider_score"] is None


def test_cooperation_counts_needs_deliveries_and_unmet_needs_by_kind():
    data = typical().team(6, "application", [2] * 6, extra=NEED).link(6, 3)
    tables = {(t["measure"], t["team_kind"]): t for t in build_tag_export(data.source(), k=K, now=NOW, rounding=1)["cooperation"]}
    need = {cell["category"]: cell["count"] for cell in tables[("need", "application")]["cells"]}
    assert need["need_yes"] == 12 and need["need_no"] is None, "need_no goes with the 0 who did not answer"
    delivery = {c["category"]: c["count"] for c in tables[("delivery", "application")]["cells"]}
    assert delivery["ticket"] is None, "12 of 12 by ticket would show that nobody gets it another way"
    assert tables[("unmet", "application")]["cells"][0]["count"] is None, "the 0 met beside 12 unmet would reveal the split"
    assert tables[("provide", "platform")]["total"] is None


def test_free_text_is_left_out_unless_released_and_then_only_in_groups_of_k():
    assert build_tag_export(typical().source(), k=K, now=NOW)["free_text"] is None
    released = build_tag_export(typical().source(), k=K, now=NOW, release_text=True)["free_text"]
    assert released == [{"question": "coop.pains", "team_kind": "application", "texts": ["Tickets take weeks"] * 6}]
    assert build_tag_export(typical().source(), k=7, now=NOW, release_text=True)["free_text"] == []


def test_it_holds_no_ids_and_no_names():
    document = build_tag_export(typical().source(), k=1, now=NOW, release_text=False)

    def keys(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    assert not [key for key in keys(document) if key == "id" or key.endswith("_id")]


def test_the_document_validates_against_the_published_schema():
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for document in (
        build_tag_export(typical().source(), k=K, now=NOW),
        build_tag_export(typical().source(), k=1, now=NOW, release_text=True),
        build_tag_export(Data().source(), k=K, now=NOW),
    ):
        errors = sorted(validator.iter_errors(document), key=str)
        assert not errors, errors[0].message if errors else ""


def test_the_csv_form_has_a_row_per_figure_and_marks_suppressed_ones():
    document = build_tag_export(typical().source(), k=K, now=NOW)
    rows = list(tag_rows(document))
    assert rows[0] == list(TAG_CSV_COLUMNS)
    platform = [row for row in rows if row[1] == "level_distribution" and row[4] == "platform"]
    assert platform and all(row[6] is None and row[9] == "suppressed" for row in platform)
    assert [rows[3][1], rows[3][2], rows[3][8]] == ["context", "organization_size", "101-500"]


def test_k_must_be_positive():
    with pytest.raises(ValueError):
        build_tag_export(typical().source(), k=0, now=NOW)
