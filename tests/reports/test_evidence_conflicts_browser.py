"""A team page with supporting and contradicting evidence, in a real Chromium: the words a reader sees agree."""

import pytest

from tests.reports.evidence_build import evaluation
from tests.reports.factories import NOW, rescore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_page_with_both_kinds_of_evidence_reads_consistently(browser_page, live_server, world):
    from tests.conftest import keep_screenshot

    team = world.teams[1]
    evaluation(
        team,
        ("adoption", 3, "supports", "adoption-up"),
        ("adoption", 2, "contradicts", "adoption-down"),
        ("interfaces", 3, "supports", "interfaces-up"),
    )
    rescore(now=NOW)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/dashboard/teams/{team.pk}/?wave={world.autumn.pk}")
    page.wait_for_load_state("networkidle")
    adoption = page.locator("#aspect-adoption")
    adoption.scroll_into_view_if_needed()
    keep_screenshot(page, "team-evidence-conflict.png", full_page=True)

    text = " ".join(adoption.inner_text().split())
    assert "Evidence conflicts" in text
    assert "evidenced conflicts" in text.casefold()  # the term is set in capitals by the style sheet
    assert "Supports level 3 adoption-up" in text
    assert "Argues against level 2 adoption-down" in text
    assert "Evidence agrees" not in text and "Claims more than the evidence shows" not in text
    interfaces = " ".join(page.locator("#aspect-interfaces").inner_text().split())
    assert "evidenced 3" in interfaces.casefold() and "Evidence shows more than claimed" in interfaces
    glossary = page.locator("#evidence-glossary").inner_text()
    for word in ("Floor", "Ceiling", "Evidenced", "Agrees", "Conflicts"):
        assert word in glossary
    assert page.console_errors == []
