"""Conflicting evidence reads as a conflict on the team page, the API and the heat map; under-claims are marked."""

import re

import pytest
from django.urls import reverse

from reports.frames.team import evidence_reading
from tests.reports.evidence_build import evaluation
from tests.reports.factories import NOW, rescore


@pytest.fixture
def mixed(world):
    """teams[1] claims level 2 everywhere but measurement: its adoption evidence supports 3 and argues against 2,
    its interfaces evidence supports 3, its investment evidence only argues against 3."""
    team = world.teams[1]
    evaluation(
        team,
        ("adoption", 3, "supports", "adoption-up"),
        ("adoption", 2, "contradicts", "adoption-down"),
        ("interfaces", 3, "supports", "interfaces-up"),
        ("investment", 3, "contradicts", "investment-down"),
    )
    rescore(now=NOW)
    return world


def card(body, aspect):
    match = re.search(rf'<article class="card aspect-card" id="aspect-{aspect}">(.*?)</article>', body, re.S)
    assert match, aspect
    return re.sub(r"\s+", " ", match.group(1))


def test_the_team_page_shows_a_conflict_with_both_sides_and_no_single_level(client, mixed):
    client.force_login(mixed.admin)

    body = client.get(reverse("reports:team", args=[mixed.teams[1].pk]) + f"?wave={mixed.autumn.pk}").content.decode()

    adoption = card(body, "adoption")
    assert "Evidence conflicts" in adoption
    assert "<dt>Evidenced</dt><dd>conflicts</dd>" in adoption
    assert "Supports level 3</span> adoption-up" in adoption
    assert "Argues against level 2</span> adoption-down" in adoption
    assert "Evidence agrees" not in adoption
    assert "Claims more than the evidence shows" not in adoption
    interfaces = card(body, "interfaces")
    assert "Evidence shows more than claimed" in interfaces and "<dd>3</dd>" in interfaces
    investment = card(body, "investment")
    assert "Evidence agrees" in investment and "<dt>Evidenced</dt><dd>at most 2</dd>" in investment
    assert 'id="evidence-glossary"' in body
    for word in ("Floor", "Ceiling", "Evidenced", "Agrees", "Conflicts"):
        assert f"<dt>{word}</dt>" in body


def test_the_api_gives_the_same_floor_ceiling_and_status(client, mixed):
    client.force_login(mixed.admin)
    team = mixed.teams[1]

    rows = client.get(f"/api/v1/orgs/{mixed.organization.slug}/scores/?team={team.pk}&wave={mixed.autumn.pk}").json()["results"]

    by_aspect = {row["aspect"]: row for row in rows}
    adoption = by_aspect["adoption"]
    assert (adoption["evidence_floor"], adoption["evidence_ceiling"], adoption["status"]) == (3, 1, "conflict")
    assert by_aspect["interfaces"]["status"] == "under_claim"
    assert (by_aspect["investment"]["evidence_floor"], by_aspect["investment"]["evidence_ceiling"]) == (None, 2)
    assert by_aspect["investment"]["status"] == "agree"


def test_the_heat_map_marks_under_claims_and_conflicts_as_it_marks_over_claims(client, mixed):
    client.force_login(mixed.admin)

    body = client.get(reverse("reports:overview") + f"?wave={mixed.autumn.pk}").content.decode()

    assert re.search(r'visually-hidden">: [^<]*evidence shows more than claimed', body)
    assert re.search(r'visually-hidden">: [^<]*evidence conflicts', body)
    assert re.search(r'stat-value">1</span><span class="stat-label"><span class="mark" aria-hidden="true">≠</span>', body)
    csv = client.get(reverse("reports:overview") + f"?wave={mixed.autumn.pk}&download=heatmap").content.decode()
    header = csv.splitlines()[0]
    assert "Under claim" in header and "Conflict" in header


@pytest.mark.parametrize(
    ("floor", "ceiling", "items", "status", "words"),
    [
        (None, None, 0, "no_evidence", "none yet"),
        (3, 1, 2, "conflict", "conflicts"),
        (2, 4, 1, "agree", "2"),
        (2, 3, 2, "agree", "2, at most 3"),
        (2, 2, 2, "agree", "2"),
        (None, 2, 1, "agree", "at most 2"),
    ],
)
def test_the_evidenced_words_follow_the_floor_and_ceiling(floor, ceiling, items, status, words):
    assert evidence_reading(floor=floor, ceiling=ceiling, items=items, status=status) == words
