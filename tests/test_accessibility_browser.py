"""Every page and every survey step checked by axe-core (WCAG 2.1 A and AA) in Chromium, and the survey by keyboard.

One browser serves the whole module: each test opens its own context, so cookies never leak between tests.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, keep_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"critical", "serious"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 640, "height": 450}  # 1280 x 900 at 200% zoom


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium).")
        pytest.skip(f"No Chromium at {CHROMIUM}; install Debian's chromium to run browser tests.")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield launched
            finally:
                launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(viewport: dict[str, int] = DESKTOP) -> Any:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.console_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


def axe_problems(page: Any) -> list[str]:
    """Critical and serious WCAG 2.1 A/AA violations on the page as it is now, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{page.url} {violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary'][:160]!r}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def sideways_overflow(page: Any) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def contrast(first: str, second: str) -> float:
    """WCAG contrast between two CSS rgb()/rgba() colours as getComputedStyle gives them."""
    from reports.charts.base import contrast_ratio

    def as_hex(css: str) -> str:
        parts = css[css.index("(") + 1 : css.index(")")].replace(",", " ").split()
        return "#" + "".join(f"{round(float(value)):02x}" for value in parts[:3])

    return contrast_ratio(as_hex(first), as_hex(second))


FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const bar = document.querySelector('.survey-actions-bar');
  let covered = box.bottom > window.innerHeight + 1 || box.top < -1;
  if (bar && !bar.contains(el) && getComputedStyle(bar).position === 'sticky') {
    const edge = bar.getBoundingClientRect();
    if (box.bottom > edge.top + 1 && box.top < edge.bottom) { covered = true; }
  }
  const group = el.name ? Array.from(document.getElementsByName(el.name)) : [];
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id, name: el.name || '',
    text: (el.innerText || el.value || '').trim().slice(0, 60), covered: covered,
    answered: group.some(function (other) { return other.checked; }),
    value: el.tagName === 'SELECT' ? el.value : '',
  };
}"""


def press_until(page: Any, wanted: Any, *, limit: int = 400) -> list[dict[str, Any]]:
    """Press Tab until `wanted(focused)` is true; every focus position met on the way, in order."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        if wanted(focused):
            return seen
    raise AssertionError(f"Never reached the control after {limit} Tabs; last: {seen[-3:]}")


@pytest.fixture
def demo(db: None, loaded_model: Any) -> dict[str, Any]:
    """The demo organization with its waves, answers and evidence, an admin, and a fresh invitation link."""
    from django.contrib.auth import get_user_model

    from assessor.models import Membership, Organization, Team
    from surveys.models import Invitation, Wave

    call_command("seed_demo", stdout=io.StringIO())
    organization = Organization.objects.get(slug="northwind")
    admin = get_user_model().objects.create_user(username="a11y-admin", password="a11y-pass-123", is_staff=True)
    Membership.objects.create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    wave = Wave.objects.get(organization=organization, name="Autumn 2026")
    team = Team.objects.get(organization=organization, slug="checkout")
    invitation = Invitation.issue(wave=wave, team=team, role="app_developer")
    invitation.save()
    return {"organization": organization, "team": team, "wave": wave, "invitation": invitation}


@pytest.fixture
def survey_link(db: None, loaded_model: Any, live_server: Any) -> str:
    """An invitation link to an open wave of the demo organization, with no answers anywhere yet."""
    from datetime import timedelta

    from django.utils import timezone

    from assessor.demo import seed_organization
    from assessor.models import Team
    from surveys import conf
    from surveys.instruments import read_instrument_file
    from surveys.models import Invitation, Wave
    from surveys.services import instrument_load

    organization = seed_organization()
    instrument = instrument_load(spec=read_instrument_file(conf.default_instrument_file())).instrument
    now = timezone.now()
    wave = Wave.objects.create(
        organization=organization,
        instrument=instrument,
        name="Autumn",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    team = Team.objects.get(organization=organization, slug="checkout")
    wave.teams.set([team])
    invitation = Invitation.issue(wave=wave, team=team, role="app_developer")
    invitation.save()
    return f"{live_server.url}/s/{invitation.token()}/"


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "a11y-admin")
    page.fill("input[name=password]", "a11y-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_every_page_passes_axe_and_fits_narrow_screens(new_page, live_server, demo):
    base = live_server.url
    page = new_page()
    problems: list[str] = []
    for path in ("/", "/model/", "/accounts/login/"):
        page.goto(f"{base}{path}")
        problems += axe_problems(page)
    sign_in(page, base)
    pages = {
        "overview": "/dashboard/",
        "team": f"/dashboard/teams/{demo['team'].pk}/",
        "gaps": "/dashboard/gaps/",
        "trends": "/dashboard/trends/?benchmark=1",
        "practices": "/dashboard/practices/",
        "waves": "/waves/",
        "invitations": f"/waves/{demo['wave'].pk}/invitations/",
        "new-wave": "/waves/new/",
        "people": f"/dashboard/waves/{demo['wave'].pk}/people/",
        "api-docs": "/api/v1/docs/",
    }
    for path in pages.values():
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        problems += axe_problems(page)
    (ARTIFACTS / "axe-pages.txt").write_text("\n".join(problems))
    assert problems == []

    overflow = {}
    for viewport, names in (
        (PHONE, ("overview", "team", "gaps", "trends", "practices", "new-wave", "people")),
        (ZOOMED, ("invitations", "waves", "overview")),
    ):
        page.set_viewport_size(viewport)
        for name in names:
            page.goto(f"{base}{pages[name]}")
            page.wait_for_load_state("networkidle")
            keep_screenshot(page, f"a11y-{name}-{viewport['width']}.png", full_page=True)
            overflow[f"{name} at {viewport['width']}"] = sideways_overflow(page)
    assert overflow == {key: 0 for key in overflow}
    assert page.console_errors == []


def test_heat_map_cells_and_team_names_open_the_team_page_and_filters_wait_for_apply(new_page, live_server, demo):
    base = live_server.url
    page = new_page()
    sign_in(page, base)
    page.goto(f"{base}/dashboard/")
    page.wait_for_load_state("networkidle")
    team_url = f"{base}/dashboard/teams/{demo['team'].pk}/"

    page.locator(".ytick text", has_text="Checkout").click()
    page.wait_for_url(team_url)
    page.go_back()
    page.wait_for_load_state("networkidle")
    labels = page.evaluate("document.querySelector('[data-figure=\"fig-heatmap\"]').layout.meta.team_links")
    row = list(labels).index("Checkout")
    box = page.locator(".nsewdrag").first.bounding_box()
    rows = len(labels)
    page.mouse.click(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * (row + 0.5) / rows)
    page.wait_for_url(team_url)

    page.goto(f"{base}/dashboard/")
    wave = page.locator(".filters select[name=wave]")
    wave.focus()
    before = page.url
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url == before
    assert page.evaluate("document.activeElement.name") == "wave"
    apply = page.get_by_role("button", name="Apply")
    assert apply.is_visible()
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.textContent.trim()") != "Apply":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "wave=" in url)

    page.goto(f"{base}/dashboard/trends/")
    assert page.locator(".site-nav [aria-current='page']").all_inner_texts() == ["Trends"]
    assert page.console_errors == []


def fill_step(page: Any) -> None:
    """Answer every question on the step with the mouse: the first choice of each, "Yes" for one service."""
    page.evaluate(
        """() => {
      const seen = new Set();
      document.querySelectorAll('#survey-form input[type=radio]').forEach(function (input) {
        if (!seen.has(input.name)) { seen.add(input.name); input.click(); }
      });
    }"""
    )
    if page.locator("#q-cap-data-need-input").count():
        page.select_option("#q-cap-data-need-input", "need_yes")


def test_every_survey_step_and_the_result_pass_axe_and_fit_a_phone(new_page, survey_link):
    page = new_page(PHONE)
    page.goto(survey_link)
    problems = axe_problems(page)
    overflow = {"start": sideways_overflow(page)}
    page.get_by_role("link", name="Start the survey").click()
    for _ in range(12):
        page.wait_for_load_state("networkidle")
        fill_step(page)
        step = page.url.rstrip("/").rsplit("/", 1)[-1]
        problems += axe_problems(page)
        overflow[step] = sideways_overflow(page)
        if step == "cooperation":
            delivery = page.locator("#q-cap-data-delivery-input")
            assert delivery.is_visible() and delivery.bounding_box()["x"] + delivery.bounding_box()["width"] <= PHONE["width"]
            page.locator("tr.service", has=page.locator("#q-cap-data-need")).scroll_into_view_if_needed()
            keep_screenshot(page, "a11y-survey-cooperation-390.png")
        button = page.get_by_role("button", name="Submit answers")
        if button.count():
            button.click()
            break
        page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(lambda url: url.endswith("/result/"))
    problems += axe_problems(page)
    overflow["result"] = sideways_overflow(page)
    keep_screenshot(page, "a11y-survey-result-390.png", full_page=True)
    assert problems == []
    assert overflow == {key: 0 for key in overflow}
    assert len(overflow) >= 10  # start, nine steps and the result
    assert [error for error in page.console_errors if "409" not in error] == []


def test_the_survey_can_be_completed_with_the_keyboard_alone_and_focus_is_never_hidden(new_page, survey_link):
    from surveys.models import Response

    page = new_page(DESKTOP)
    page.goto(survey_link)
    press_until(page, lambda focused: focused["text"] == "Start the survey")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    covered: list[str] = []
    steps = 0
    while "/result/" not in page.url:  # the address may keep the skip link's #step-title across the redirect
        page.wait_for_load_state("networkidle")
        steps += 1
        assert steps <= 12, page.url
        # The skip link leads straight to the first answer. After the first step the address keeps the skip
        # link's #step-title, so the first Tab already lands there.
        first = press_until(page, lambda focused: True, limit=1)[0]
        if first["tag"] == "a":
            assert first["text"] == "Skip to the questions", page.url
            page.keyboard.press("Enter")
            first = press_until(page, lambda focused: True, limit=1)[0]
        assert first["tag"] in ("input", "select", "textarea"), first
        focused = first
        while True:
            if focused["covered"]:
                covered.append(f"{page.url} {focused['id'] or focused['text']}")
            if focused["type"] in ("radio", "checkbox") and not focused["answered"]:
                page.keyboard.press("Space")
            elif focused["tag"] == "select" and not focused["value"]:
                page.keyboard.press("ArrowDown")
            elif focused["tag"] == "button" and focused["text"] in ("Save and continue", "Submit answers"):
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                break
            focused = press_until(page, lambda _: True, limit=1)[0]
    assert "Thank you, your answers are in" in page.inner_text("h1")
    response = Response.objects.get()
    assert response.status == "submitted"
    assert covered == []


def test_focus_stays_clear_of_the_save_bar_at_200_percent_zoom_and_its_ring_stands_out(new_page, survey_link):
    page = new_page(ZOOMED)
    page.goto(survey_link)
    page.get_by_role("link", name="Start the survey").click()
    page.wait_for_load_state("networkidle")
    seen = press_until(page, lambda focused: focused["text"] == "Save and continue")
    assert [focused["id"] or focused["text"] for focused in seen if focused["covered"]] == []

    ring = page.evaluate(
        """() => {
      const el = document.activeElement, style = getComputedStyle(el);
      return {color: style.outlineColor, width: parseFloat(style.outlineWidth), control: style.backgroundColor,
              page: getComputedStyle(document.documentElement).backgroundColor};
    }"""
    )
    assert ring["width"] >= 2
    assert contrast(ring["color"], ring["page"]) >= 3
    assert contrast(ring["color"], ring["control"]) >= 3
    assert contrast(ring["color"], "rgb(255, 255, 255)") >= 3


def test_an_error_summary_link_takes_the_person_to_the_first_input(new_page, survey_link):
    page = new_page(DESKTOP)
    page.goto(survey_link)
    page.get_by_role("link", name="Start the survey").click()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary a").first
    summary.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == summary.get_attribute("href").lstrip("#")
    assert page.evaluate("document.activeElement.type") == "radio"
