"""The survey in a real browser: answer part of a step, reload, find it kept, finish, submit, see the result."""

import pytest

from surveys.models import Response
from surveys.selectors import answer_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saved(page):
    page.wait_for_selector("#autosave-status:has-text('Saved')")


def test_a_person_fills_in_the_survey_resumes_it_and_sees_the_result(browser_page, live_server, invite, rescores):
    from tests.conftest import keep_screenshot

    page = browser_page
    invitation = invite("checkout", "app_developer")
    page.goto(f"{live_server.url}/s/{invitation.token()}/")
    page.get_by_role("link", name="Start the survey").click()
    assert "Step 1 of 9" in page.inner_text(".survey-progress")

    page.get_by_label("6 to 10", exact=True).check()
    saved(page)
    page.reload()
    assert page.get_by_label("6 to 10", exact=True).is_checked()
    assert "1 of 47 questions answered" in page.inner_text(".survey-progress")
    page.get_by_label("1 to 3 years").check()
    saved(page)
    page.get_by_role("button", name="Save and continue").click()

    for section, option in [("investment", 2), ("adoption", 3), ("interfaces", 3), ("operations", 2), ("measurement", 1)]:
        page.wait_for_url(f"**/step/{section}/")
        for index in range(1, 5):
            page.locator(f"[data-question^='{section}.']").nth(index - 1).locator("input[value]").nth(option - 1).check()
        page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/step/targets/")
    keep_screenshot(page, "survey-targets.png", full_page=False)
    for aspect in ("investment", "adoption", "interfaces", "operations", "measurement"):
        page.locator(f"#q-target-{aspect}-3").check()
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/step/cooperation/")
    assert not page.locator("#q-cap-data-delivery").is_visible()
    page.select_option("#q-cap-data-need-input", "need_yes")
    assert page.locator("#q-cap-data-delivery").is_visible()
    page.select_option("#q-cap-data-delivery-input", "ticket")
    page.select_option("#q-cap-data-wait-input", "weeks")
    saved(page)
    page.locator("#q-cap-web_portals-need").scroll_into_view_if_needed()
    keep_screenshot(page, "survey-cooperation.png", full_page=False)
    page.get_by_label("What gets in the way when you need these services for your applications?").fill("Databases take weeks.")
    saved(page)
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url("**/step/feedback/")
    page.get_by_label("8", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()

    page.wait_for_url("**/result/")
    assert "Thank you, your answers are in" in page.inner_text("h1")
    table = page.inner_text("table.result-table")
    assert "Investment" in table and "2.00" in table and "Measurement" in table and "1.00" in table
    keep_screenshot(page, "survey-result.png", full_page=True)

    response = Response.objects.get()
    values = answer_values(response)
    assert response.status == "submitted"
    assert values["cap.data.delivery"] == "ticket" and values["coop.pains"] == "Databases take weeks."
    assert values["target.operations"] == 3 and values["feedback.satisfaction"] == 8
    assert rescores == [{"team_ids": [invitation.team_id], "wave_ids": [invitation.wave_id]}]
    assert [error for error in page.console_errors if "409" not in error] == []


def test_a_second_tab_is_told_its_copy_is_stale(browser_page, live_server, invite):
    from tests.conftest import keep_screenshot

    invitation = invite("catalog", "app_developer")
    first = browser_page
    first.goto(f"{live_server.url}/s/{invitation.token()}/step/about/")
    second = first.context.browser.new_page()
    second.goto(f"{live_server.url}/s/{invitation.token()}/step/about/")
    second.get_by_label("1 to 5", exact=True).check()
    saved(second)
    first.get_by_label("21 to 50").check()
    alert = first.locator("#autosave-alert")
    alert.wait_for(state="visible")
    assert "This survey was changed in another tab or window; reload to see the latest answers." in alert.inner_text()
    keep_screenshot(first, "survey-stale-tab.png", full_page=False)
    assert answer_values(Response.objects.get()) == {"about.team_size": "size_1_5"}
