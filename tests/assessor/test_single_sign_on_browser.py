"""The whole OpenID Connect code flow in a real browser: the sign-in page, the fake provider, back to the dashboard."""

import pytest
from django.contrib.auth.models import User

from assessor.models import Membership, Organization, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_through_the_provider_lands_on_the_dashboard(browser_page, live_server, fake_idp):
    from tests.conftest import keep_screenshot

    fake_idp.redirect_uris = {f"{live_server.url}/accounts/sso/callback/"}
    organization = Organization.objects.create(name="Northwind", slug="nw")
    team = Team.objects.create(organization=organization, slug="checkout", name="Checkout", kind="application")
    ada = User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    Membership.objects.create(user=ada, organization=organization, team=team, role=Membership.Role.ADMIN)

    browser_page.goto(f"{live_server.url}/accounts/login/")
    browser_page.get_by_role("link", name="Sign in with Northwind ID").click()
    browser_page.wait_for_url(f"{live_server.url}/dashboard/")
    assert "GET /idp/authorize" in fake_idp.requests and "POST /idp/token" in fake_idp.requests
    assert browser_page.get_by_role("button", name="Sign out ada").count() == 1
    assert browser_page.get_by_role("heading", name="Where every team stands").count() == 1
    assert "Northwind" in (browser_page.locator("main").text_content() or "")
    keep_screenshot(browser_page, "sso-dashboard.png")
    assert browser_page.console_errors == []


def test_a_person_without_a_membership_is_told_whom_to_ask(browser_page, live_server, fake_idp):
    fake_idp.redirect_uris = {f"{live_server.url}/accounts/sso/callback/"}
    organization = Organization.objects.create(name="Northwind", slug="nw")
    grace = User.objects.create(username="grace", email="grace@northwind.example", first_name="Grace", last_name="Hopper")
    Membership.objects.create(user=grace, organization=organization, role=Membership.Role.ADMIN)

    browser_page.goto(f"{live_server.url}/accounts/login/")
    browser_page.get_by_role("link", name="Sign in with Northwind ID").click()
    browser_page.wait_for_url(f"{live_server.url}/dashboard/")
    assert browser_page.get_by_role("heading", name="No dashboard for you yet").count() == 1
    assert browser_page.get_by_role("link", name="grace@northwind.example").count() == 1
