"""The rules view in a real Chromium, wide and narrow: the table fits or scrolls inside its box, never the page."""

from datetime import timedelta

import pytest

from collectors.waivers import waiver_create
from tests.reports.evidence_build import evaluation
from tests.reports.factories import NOW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOWN = "adoption-hand-applied-workloads"


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)])
def test_the_rules_view_reads_at_desktop_and_phone_widths(browser_page, live_server, world, width, height):
    from tests.conftest import keep_screenshot

    for index, team in enumerate(world.teams[1:4]):
        evaluation(team, ("adoption", 2, "contradicts", DOWN), ("adoption", 3, "supports", "adoption-gitops-managed-workloads"),
                   when=NOW - timedelta(days=index))  # fmt: skip
    waiver_create(team=world.teams[3], rule_key=DOWN, reason="Vendor jobs, applied as shipped.", by=world.admin)
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/dashboard/rules/")
    page.wait_for_load_state("networkidle")
    keep_screenshot(page, f"rules-view-{width}.png", full_page=True)
    page.locator("#rules").scroll_into_view_if_needed()
    keep_screenshot(page, f"rules-view-{width}-first-rules.png")

    row = " ".join(page.locator(f"#rule-{DOWN}").inner_text().split())
    assert "Argues against level 2" in row and "Vendor jobs, applied as shipped." in row
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page itself does not scroll sideways"
    assert page.console_errors == []
