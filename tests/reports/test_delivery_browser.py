"""The delivery page of the demo in a real Chromium, at desktop and phone widths: the four metrics per team
with their basis and band, a chart of each over time, and nothing wider than a phone's screen."""

import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

METRICS = ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore")


def test_the_demo_delivery_page_reads_at_1366_and_390_pixels(browser_page, live_server, demo_org):
    from django.contrib.auth import get_user_model

    from assessor.models import Membership
    from collectors import demo
    from tests.conftest import keep_screenshot

    demo.seed(demo_org, io.StringIO())
    admin = get_user_model().objects.create_user(username="delivery-admin", password="delivery-pass-123")
    Membership.objects.create(user=admin, organization=demo_org, role=Membership.Role.ADMIN)

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "delivery-admin")
    page.fill("input[name=password]", "delivery-pass-123")
    page.click("button[type=submit]")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/dashboard/delivery/?org={demo_org.slug}")
    page.wait_for_load_state("networkidle")
    teams = page.locator("#teams-title ~ h3")
    assert teams.count() >= 3
    checkout = page.locator("table.delivery").filter(has_text="Deployment frequency").first
    for name in METRICS:
        assert checkout.get_by_role("rowheader", name=name).is_visible()
    rows = page.evaluate(
        "Array.from(document.querySelectorAll('table.delivery')).map(function (t) {"
        " return Array.from(t.querySelectorAll('tbody th')).map(function (th) { return th.textContent.trim(); }); })"
    )
    assert rows and all(names == list(METRICS) for names in rows)  # every team and source: all four, in order
    text = page.inner_text("main")
    assert "pushed from CI" in text and "from tags" in text
    assert "Elite (DORA 2023)" in text
    assert "Accelerate State of DevOps Report 2023" in text
    for name in METRICS:
        assert f"{name} over time" in text
    containers = page.locator("[data-figure]").count()
    assert containers >= 4
    assert page.evaluate("document.querySelectorAll('.js-plotly-plot').length") == containers
    keep_screenshot(page, "delivery-1366.png", full_page=True)
    keep_screenshot(page, "delivery-1366-top.png")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390
    assert page.locator("table.delivery").first.get_by_role("rowheader", name=METRICS[0]).is_visible()
    # each team's table fits its box: the band column shows without scrolling the table sideways
    fits = page.evaluate(
        "Array.from(document.querySelectorAll('table.delivery')).map(function (t) {"
        " return t.scrollWidth <= t.parentElement.clientWidth; })"
    )
    assert fits and all(fits), fits
    keep_screenshot(page, "delivery-390.png", full_page=True)
    keep_screenshot(page, "delivery-390-top.png")
    page.locator("#history-deploys-per-week-title, [data-figure]").first.scroll_into_view_if_needed()
    keep_screenshot(page, "delivery-390-chart.png")
    assert page.console_errors == []
