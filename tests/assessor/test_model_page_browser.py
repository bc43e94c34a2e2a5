import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_model_grid_renders_in_a_real_browser(browser_page, live_server, loaded_model):
    from tests.conftest import keep_screenshot

    browser_page.goto(f"{live_server.url}/model/")
    assert browser_page.locator("table.model-grid tbody tr").count() == 5
    assert browser_page.locator("table.model-grid td.cell").count() == 20
    browser_page.get_by_role("link", name="Integrated services").click()
    assert browser_page.url.endswith("#interfaces-4")
    keep_screenshot(browser_page, "model.png", full_page=False)
    assert browser_page.console_errors == []
