"""Opening a wave in a real Chromium, on a desktop and on a phone: the form fits the screen, a mistake comes back
on the form with its message, and a corrected form opens the wave with a link per person."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_an_admin_opens_a_wave_with_links_per_person(browser_page, live_server, demo_org, viewport):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from assessor.models import Membership, Team
    from surveys.instruments import read_instrument_file
    from surveys.models import Invitation, Wave
    from surveys.services import instrument_load
    from tests.conftest import keep_screenshot

    instrument_load(spec=read_instrument_file(settings.SURVEYS_DEFAULT_INSTRUMENT))
    users = get_user_model().objects
    admin = users.create_user(username="wave-admin", password="wave-pass-123")
    Membership.objects.create(user=admin, organization=demo_org, role=Membership.Role.ADMIN)
    checkout = Team.objects.get(organization=demo_org, slug="checkout")
    for username in ("ana", "ben"):
        person = users.create_user(username=username, email=f"{username}@example.com")
        Membership.objects.create(user=person, organization=demo_org, team=checkout, role=Membership.Role.MEMBER)

    page = browser_page
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "wave-admin")
    page.fill("input[name=password]", "wave-pass-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/waves/")
    page.click("text=Open a new wave")
    page.wait_for_url("**/waves/new/")
    width = viewport["width"]
    keep_screenshot(page, f"open-wave-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.input_value("#id_name")  # a default name, dates and every team kind are filled in
    assert page.input_value("#id_opens_at") and page.input_value("#id_closes_at")
    assert page.is_checked("input[name=kinds][value=application]")

    # a mistake: the wave would close before it opens
    page.fill("#id_closes_at", "2020-01-01T09:00")
    page.click("text=Open the wave")
    page.wait_for_selector("#error-summary")
    keep_screenshot(page, f"open-wave-error-{width}.png", full_page=True)
    assert "close after it opens" in page.inner_text("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert not Wave.objects.exists()

    page.fill("#id_name", "Spring check")
    page.fill("#id_closes_at", "2099-01-01T09:00")
    page.fill("#id_opens_at", "2098-12-01T09:00")
    for kind in ("application", "platform", "infrastructure"):
        page.uncheck(f"input[name=kinds][value={kind}]")
    page.check(f"input[name=teams][value='{checkout.pk}']")
    page.check("input[name=invite][value=people]")
    page.click("text=Open the wave")
    page.wait_for_url("**/dashboard/waves/*/people/")
    keep_screenshot(page, f"open-wave-people-{width}.png", full_page=True)

    wave = Wave.objects.get(name="Spring check")
    assert list(wave.teams.all()) == [checkout]
    assert Invitation.objects.filter(wave=wave).for_people().count() == 2
    assert "ana@example.com" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # the form sent back with its mistake answers 400, which Chromium logs; nothing else may fail
    assert [error for error in page.console_errors if "status of 400" not in error] == []
