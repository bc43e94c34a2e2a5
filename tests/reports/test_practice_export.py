"""The reviewer export's practices section (format version 3), pure: counted in application teams, by hand,
under the export's suppression, and valid against its schema.

Twelve application teams: six get their database self-service within days, six by ticket in weeks; one of
the ticket teams says in its own words that Argo CD reconciles its namespaces.
"""

from __future__ import annotations

from dataclasses import replace

import jsonschema
import pandas as pd

from reports.export.practices import PracticeInput
from reports.export.tag import build_tag_export
from reports.practices import read_practices
from tests.api.test_tag_export import NOW, SCHEMA, Data

CATALOG = read_practices()
QUICK = {"cap.data.need": "need_yes", "cap.data.delivery": "self_service"}
QUICK_WAITS = ("hours", "days", "days", "weeks", "months", None)  # teams 1 to 6; team 6 gives no wait
SLOW = {"cap.data.need": "need_yes", "cap.data.delivery": "ticket", "cap.data.wait": "weeks"}


def twelve_teams(written: pd.DataFrame | None = None, signals: pd.DataFrame | None = None):
    data = Data()
    for team in range(1, 13):
        wait = QUICK_WAITS[team - 1] if team <= 6 else None
        data.team(team, "application", [2, 2], extra=({**QUICK, "cap.data.wait": wait} if wait else QUICK) if team <= 6 else SLOW)
    data.team(20, "platform", [3] * 6)
    source = data.source()
    given = PracticeInput(version=CATALOG.version, practices=CATALOG.practices, answer_share=CATALOG.answer_share)
    if written is not None:
        given = replace(given, texts=written)
    if signals is not None:
        given = replace(given, signals=signals)
    return replace(source, practices=given)


def item(document, practice):
    (found,) = [row for row in document["practices"]["items"] if row["practice"] == practice]
    return found


def cells(row, group, outcome):
    (table,) = [t for t in row["outcomes"] if t["group"] == group and t["outcome"] == outcome]
    return table["total"], {cell["category"]: cell["count"] for cell in table["cells"]}


def test_adoption_and_outcomes_are_counted_in_teams_by_hand_at_k_1():
    document = build_tag_export(twelve_teams(), k=1, now=NOW)
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(document))
    section = document["practices"]
    assert (section["version"], section["unit"]) == (CATALOG.version, "application teams")
    self_service = item(document, "self_service")
    # the six self-service teams' median waits, one published cell each, as counted by hand
    assert cells(self_service, "adopters", "median_wait")[1] == {"hours": 1, "days": 2, "weeks": 1, "months": 1, "no_answer": 1}
    # every other team waits weeks: the zeros beside the six would give the six away, so nothing is published
    assert set(cells(self_service, "others", "median_wait")[1].values()) == {None}
    # no practice but self-service has adopters: their zeros are withheld, and so is what would reveal them
    gitops = item(document, "gitops")
    assert gitops["adopters"] is None and cells(gitops, "others", "median_wait")[1]["weeks"] == 6 + 1


def test_free_text_counts_and_is_marked_and_small_groups_are_suppressed_at_k_5():
    written = pd.DataFrame(
        [(1, 1, 7, "coop.service_implementation", "Argo CD reconciles our namespaces.", "")],
        columns=["answer_id", "wave_id", "team_id", "question_key", "text", "source"],
    )
    # team 8's repository shows GitOps too: two adopters, one of them (team 7) on its words alone
    signals = pd.DataFrame([(8, "files.gitops", 2, "deploy")], columns=["team_id", "key", "value", "subject"])
    at_one = build_tag_export(twelve_teams(written, signals), k=1, now=NOW)
    gitops = item(at_one, "gitops")
    assert gitops["from_free_text"] == 1
    # teams 7 and 8 both wait weeks: among the other ten, five weeks remain (one self-service, four by ticket)
    assert cells(gitops, "others", "median_wait")[1]["weeks"] == 5

    at_five = build_tag_export(twelve_teams(written, signals), k=5, now=NOW)
    gitops = item(at_five, "gitops")
    assert gitops["adopters"] is None and gitops["from_free_text"] is None  # two teams: never published
    assert gitops["others"] is None  # else the total minus it would give the two away
    self_service = item(at_five, "self_service")
    assert (self_service["adopters"], self_service["others"]) == (5, 5)  # 6 and 6, rounded to the base of 5
    assert not list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(at_five))


def test_an_export_without_a_practices_file_has_a_null_section():
    assert build_tag_export(Data().team(1, "application", [2]).source(), k=1, now=NOW)["practices"] is None
