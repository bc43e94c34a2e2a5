"""Pages choose the rubric they show (the current one by default), and the trends page tells a movement that
comes from a rubric change from one that comes from the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessor.models import Membership, Organization, Team
from reports.models import ScoreSnapshot
from reports.rescore import scores_recompute
from surveys.models import Wave
from tests.reports.factories import NOW, Answers, build_org, load_instrument, make_wave, member, person, submit

pytestmark = pytest.mark.django_db


@dataclass
class TwoRubrics:
    organization: Organization
    platform: Team
    app: Team
    spring: Wave
    autumn: Wave
    client: Client


def _answers(adoption: int, interfaces: int) -> Answers:
    return Answers(level=2, levels={"adoption": adoption, "interfaces": interfaces, "measurement": 2}, target=4)


@pytest.fixture
def two_rubrics(loaded_model: Any) -> TwoRubrics:
    """Spring was reported under rubric 1, autumn under rubric 2, then spring was scored again under rubric 2.

    The application team's two respondents split between levels 2 and 3 on Adoption in both waves (a score of
    2.50: level 3 by nearest banding, level 2 by reach), and move from level 2 to 3 on Interfaces."""
    organization, (platform, app) = build_org(teams=2)
    instrument = load_instrument()
    spring = make_wave(
        organization, instrument, name="Spring", opens_at=NOW - timedelta(days=200), closes_at=NOW - timedelta(days=170),
        teams=[platform, app],
    )  # fmt: skip
    autumn = make_wave(
        organization, instrument, name="Autumn", opens_at=NOW - timedelta(days=10), closes_at=NOW + timedelta(days=20),
        teams=[platform, app],
    )  # fmt: skip
    for wave, interfaces in ((spring, 2), (autumn, 3)):
        submit(
            wave,
            [(platform, Answers(level=3, target=4)), (app, _answers(2, interfaces)), (app, _answers(3, interfaces))],
            when=wave.opens_at + timedelta(days=2),
        )
    scores_recompute(wave_ids=[spring.pk], rubric_version="1", now=spring.opens_at + timedelta(days=3))
    scores_recompute(wave_ids=[autumn.pk], rubric_version="2", now=autumn.opens_at + timedelta(days=3))
    scores_recompute(wave_ids=[spring.pk], rubric_version="2", now=NOW)
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return TwoRubrics(organization, platform, app, spring, autumn, client)


def _card_levels(response: Any) -> dict[str, int]:
    return {card["aspect"]: card["level"] for card in response.context["data"].cards}


def test_snapshots_record_the_rubric_they_were_scored_with(two_rubrics):
    versions = set(ScoreSnapshot.objects.filter(wave=two_rubrics.spring).values_list("rubric_version", flat=True))
    assert versions == {"1", "2"}
    assert set(ScoreSnapshot.objects.filter(wave=two_rubrics.autumn).values_list("rubric_version", flat=True)) == {"2"}


def test_the_team_page_shows_the_current_rubric_unless_another_is_chosen(two_rubrics):
    url = reverse("reports:team", args=[two_rubrics.app.pk]) + f"?wave={two_rubrics.spring.pk}"
    current = two_rubrics.client.get(url)
    assert current.status_code == 200
    assert _card_levels(current)["adoption"] == 2
    text = current.content.decode()
    assert '<option value="2" selected>Rubric 2 (current)</option>' in text
    assert "Scored with rubric 2, the current one" in text

    first = two_rubrics.client.get(url + "&rubric=1")
    assert first.status_code == 200
    assert _card_levels(first)["adoption"] == 3
    assert '<option value="1" selected>Rubric 1</option>' in first.content.decode()


def test_the_heat_map_bands_by_the_chosen_rubric(two_rubrics):
    url = reverse("reports:overview") + f"?org={two_rubrics.organization.slug}&wave={two_rubrics.spring.pk}"
    levels = {}
    for version in ("1", "2"):
        response = two_rubrics.client.get(url + f"&rubric={version}")
        assert response.status_code == 200
        row = next(row for row in response.context["data"].rows if row["team_id"] == two_rubrics.app.pk)
        levels[version] = {cell["aspect"]: cell["level"] for cell in row["cells"]}["adoption"]
    assert levels == {"1": 3, "2": 2}


@pytest.mark.parametrize("page", ["overview", "team", "trends", "gaps", "practices"])
@pytest.mark.parametrize("bad", ["9", "x" * 300])
def test_an_unknown_rubric_is_a_400_that_names_the_ones_there_are(two_rubrics, page, bad):
    if page == "team":
        url = reverse("reports:team", args=[two_rubrics.app.pk])
    else:
        url = reverse(f"reports:{page}") + f"?org={two_rubrics.organization.slug}"
    response = two_rubrics.client.get(url, {"rubric": bad})
    assert response.status_code == 400
    assert "choose one of 1, 2" in response.content.decode()


def test_the_api_refuses_an_unknown_rubric(two_rubrics):
    slug = two_rubrics.organization.slug
    response = two_rubrics.client.get(f"/api/v1/orgs/{slug}/scores/?rubric=9")
    assert response.status_code == 400
    assert "choose one of 1, 2" in response.content.decode()
    history = two_rubrics.client.get(f"/api/v1/orgs/{slug}/teams/{two_rubrics.app.slug}/scores/?rubric=9")
    assert history.status_code == 400
    assert two_rubrics.client.get(f"/api/v1/orgs/{slug}/scores/?rubric=1").status_code == 200


def _moves(response: Any) -> list[dict[str, Any]]:
    block = next(block for block in response.context["data"].blocks if block.key == "rubric_moves")
    return block.table.to_dict("records")


def test_the_trends_page_says_which_movement_comes_from_the_rubric_change(two_rubrics):
    url = reverse("reports:trends") + f"?org={two_rubrics.organization.slug}&scope=team&key={two_rubrics.app.pk}"
    response = two_rubrics.client.get(url)
    assert response.status_code == 200
    moves = {row["aspect"]: row for row in _moves(response)}
    adoption = moves["adoption"]
    assert (adoption["level_before_reported"], adoption["level_reported"]) == (3, 2)  # as people saw it then
    assert (adoption["level_before_same"], adoption["level_same"]) == (2, 2)  # both waves under rubric 2
    assert adoption["cause"].startswith("the rubric change")
    assert moves["interfaces"]["cause"].startswith("the team")
    assert set(moves) == {"adoption", "interfaces"}  # nothing else moved either way
    text = response.content.decode()
    assert "Movements across a rubric change" in text
    assert "Some waves were first reported under another rubric (Spring under rubric 1)" in text
    assert "3 → 2 (rubric 1 → 2)" in text
    assert "Scoring rubric 2 applied" in text  # the annotation on the chart


def test_the_organization_trend_bands_its_roll_up_by_the_rubric(two_rubrics):
    url = reverse("reports:trends") + f"?org={two_rubrics.organization.slug}"
    moves = {row["aspect"]: row for row in _moves(two_rubrics.client.get(url))}
    # (2.50 x 2 respondents + 3.00 x 1) / 3 = 2.67: level 3 by nearest banding, level 2 by reach
    assert (moves["adoption"]["level_before_reported"], moves["adoption"]["level_reported"]) == (3, 2)
    assert moves["adoption"]["cause"].startswith("the rubric change")


def test_without_a_rubric_change_the_page_says_every_wave_uses_one_rubric(two_rubrics):
    ScoreSnapshot.objects.filter(rubric_version="1").delete()
    url = reverse("reports:trends") + f"?org={two_rubrics.organization.slug}"
    response = two_rubrics.client.get(url)
    assert "rubric_moves" not in {block.key for block in response.context["data"].blocks}
    assert "Every wave is scored here with rubric 2" in response.content.decode()
    assert "first reported under another rubric" not in response.content.decode()


@pytest.mark.parametrize(("minimum", "shown"), [(3, False), (2, True)])
def test_the_rubric_moves_keep_the_anonymous_wave_rule(two_rubrics, minimum, shown):
    """The team's two respondents in anonymous waves: below a minimum of three its movements show nowhere;
    at a minimum of two the same probe finds them."""
    for wave in (two_rubrics.spring, two_rubrics.autumn):
        wave.anonymous, wave.min_responses = True, minimum
        wave.save(update_fields=["anonymous", "min_responses"])
    url = reverse("reports:trends") + f"?org={two_rubrics.organization.slug}&scope=team&key={two_rubrics.app.pk}"
    response = two_rubrics.client.get(url)
    assert response.status_code == 200
    blocks = {block.key: block for block in response.context["data"].blocks}
    found = "rubric_moves" in blocks and not blocks["rubric_moves"].table.empty
    assert found is shown
    assert ("3 → 2 (rubric 1 → 2)" in response.content.decode()) is shown


def test_a_team_without_scores_under_the_chosen_rubric_says_so(two_rubrics):
    ScoreSnapshot.objects.filter(rubric_version="1").delete()
    response = two_rubrics.client.get(reverse("reports:team", args=[two_rubrics.app.pk]) + "?rubric=1")
    assert response.status_code == 200
    assert "has no scores under rubric 1" in response.content.decode()
