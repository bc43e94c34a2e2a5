"""What the dashboards say in words, beside colour and symbols: levels, marks, respondents, agreement, evidence."""

import re
from datetime import timedelta

from django.urls import reverse

from tests.reports.factories import Answers, add_evidence, rescore, submit


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_each_heat_table_cell_names_its_level_marks_respondents_and_confidence(client, world):
    client.force_login(world.admin)

    body = client.get(reverse("reports:overview") + f"?wave={world.autumn.pk}").content.decode()

    table = text(body.split('class="heat-table"', 1)[1].split("</table>", 1)[0])
    assert "2 Operational" in table and "1 person" in table
    assert re.search(r"\b(low|medium|high) confidence\b", table)
    assert '<span class="mark" aria-hidden="true">' in body
    assert "Mark low confidence:" in body


def test_filters_wait_for_their_button_instead_of_submitting_on_change(client, world):
    client.force_login(world.admin)

    for name in ("overview", "gaps", "trends"):
        body = client.get(reverse(f"reports:{name}")).content.decode()
        assert "data-autosubmit" not in body and "<noscript>" not in body, name
        assert re.search(r'<button type="submit" class="button small">(Apply|Show)</button>', body), name


def test_the_evidence_table_and_cards_use_aspect_names_and_say_what_each_item_finds(client, world):
    team = world.teams[1]
    add_evidence(team, aspect="adoption", level=3, explanation="Registered in the catalog")
    client.force_login(world.admin)

    body = client.get(reverse("reports:team", args=[team.pk])).content.decode()

    evidence = text(body.split('id="evidence"', 1)[1])
    assert "Adoption" in evidence and "Supports level 3" in evidence
    assert ">adoption<" not in body.split('id="evidence"', 1)[1]
    assert "Supports level 3" in text(body.split('id="aspect-adoption"', 1)[1].split("</article>", 1)[0])


def test_a_team_whose_respondents_are_a_level_apart_reads_views_differ(client, world):
    team = world.teams[1]
    submit(world.autumn, [(team, Answers(level=1)), (team, Answers(level=2))], when=world.autumn.opens_at + timedelta(days=4))
    rescore(now=world.autumn.opens_at + timedelta(days=5), wave_ids=[world.autumn.pk])
    client.force_login(world.admin)

    body = client.get(reverse("reports:team", args=[team.pk]) + f"?wave={world.autumn.pk}").content.decode()

    card = text(body.split('id="aspect-investment"', 1)[1].split("</article>", 1)[0])
    assert "spread 1.00" in card
    assert "Views differ" in card
