"""Every dashboard in a real Chromium with the demo organization: no console errors, every chart drawn."""

import io

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_dashboard_renders_its_charts_without_errors(browser_page, live_server, loaded_model):
    from django.contrib.auth import get_user_model

    from assessor.models import Membership, Organization, Team
    from tests.conftest import keep_screenshot

    call_command("seed_demo", stdout=io.StringIO())
    organization = Organization.objects.get(slug="northwind")
    admin = get_user_model().objects.create_user(username="dash-admin", password="dash-pass-123")
    Membership.objects.create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    checkout = Team.objects.get(organization=organization, slug="checkout")

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "dash-admin")
    page.fill("input[name=password]", "dash-pass-123")
    page.click("button[type=submit]")

    pages = {
        "overview": "/dashboard/",
        "team": f"/dashboard/teams/{checkout.pk}/",
        "gaps": "/dashboard/gaps/",
        "trends": "/dashboard/trends/?benchmark=1",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        containers = page.locator("[data-figure]").count()
        drawn = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
        traces = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot')).map(function (el) { return el.data.length; })"
        )
        keep_screenshot(page, f"dashboard-{name}.png", full_page=True)
        assert containers > 0, name
        assert drawn == containers, name
        assert all(count > 0 for count in traces), (name, traces)
    assert page.console_errors == []
