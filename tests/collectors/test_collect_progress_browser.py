"""The collect page in a real Chromium: a queued job shows as queued, then as finished, without a reload."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from assessor.celery import app
from assessor.models import Repository
from tests.collectors.conftest import Change
from tests.conftest import keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_queued_jobs(wanted):
    """Take the messages the page sent to the broker and run the tasks they name here, as a worker would."""
    ran = []
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue("celery")
        try:
            while len(ran) < len(wanted):
                message = queue.get(timeout=10)
                task_id, name = message.headers["id"], message.headers["task"]
                if task_id in wanted:
                    args, kwargs, _ = message.decode()
                    app.tasks[name].apply(args=args, kwargs=kwargs, task_id=task_id)
                    ran.append(task_id)
                message.ack()
        finally:
            queue.close()
    return ran


def set_waiting_since(page, seconds):
    """Make the browser session's queued jobs look as if they were queued `seconds` ago."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    since = (timezone.now() - timedelta(seconds=seconds)).isoformat()
    session["collector_jobs"] = [{**job, "queued_at": since} for job in session["collector_jobs"]]
    session.save()


def test_collect_now_shows_queued_then_finished_in_place(browser_page, live_server, worker_mode, make_repo, platform_team):
    path = make_repo([Change("Priya <priya@acme.example>", 3, {"terraform/main.tf": "x", "argocd/app.yaml": "kind: x"})])
    repository = Repository.objects.create(team=platform_team, name="platform", local_path=str(path))
    User.objects.create_superuser("root", "root@acme.example", "collect-pass-123")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/collect/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "collect-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/collect/")
    assert page.locator("meta[http-equiv=refresh]").count() == 0

    page.click(f"button[value='repository:{repository.pk}']")
    page.wait_for_url("**/collect/?org=*")
    queued_row = page.locator("#run-rows tr[data-job]").first
    assert "Queued" in queued_row.inner_text()
    job = queued_row.get_attribute("data-job")
    assert page.locator("#source-rows").inner_text().count("Queued") == 1
    page.evaluate("window.stillTheSamePage = 'yes'")
    button = page.locator(f"#source-rows button[value='repository:{repository.pk}']")
    button.focus()

    set_waiting_since(page, 20)
    notice = page.locator("#collect-no-worker")
    notice.wait_for(state="visible", timeout=10_000)
    assert "No worker has picked up the queued jobs" in notice.inner_text()
    assert "manage.py serve" in notice.inner_text()
    keep_screenshot(page, "collect-during.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    keep_screenshot(page, "collect-during-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    assert run_queued_jobs({job}) == [job]
    finished = page.locator(f"#run-rows tr[data-job='{job}'][data-status='ok']")
    finished.wait_for(timeout=15_000)
    assert "Finished" in finished.inner_text()
    page.wait_for_function("document.getElementById('collect-progress').dataset.active === 'false'", timeout=10_000)
    assert notice.is_hidden()
    assert "Queued" not in page.locator("#source-rows").inner_text()
    assert page.evaluate("window.stillTheSamePage") == "yes"
    assert page.evaluate("document.activeElement.value") == f"repository:{repository.pk}"
    assert page.locator("[aria-live] #collect-summary").inner_text() == "No collection is queued or running."
    keep_screenshot(page, "collect-after.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    keep_screenshot(page, "collect-after-390.png", full_page=True)
    assert page.console_errors == []
