"""The community's benchmark file, written by the community and loaded into an organization, on that
organization's trend report in a real Chromium (with a screenshot)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from assessor.models import Membership
from community.demo import ORGANIZATIONS, synthetic_document
from community.models import Community
from community.services import contributor_issue, release_receive
from tests.conftest import keep_screenshot
from tests.reports.factories import Answers, build_org, load_instrument, make_wave, rescore, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def community_with_three_organizations(year: int) -> Community:
    community = Community.objects.create(name="Platform Peers", slug="platform-peers")
    for index in range(len(ORGANIZATIONS)):
        contributor, _ = contributor_issue(community=community, pseudonym=f"Peer {index + 1}")
        text = json.dumps(synthetic_document(index=index, year=year))
        envelope = {"wave": f"peer-wave-{index}", "document": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}
        assert release_receive(contributor=contributor, envelope=envelope, now=timezone.now()).created
    return community


def test_the_community_benchmark_appears_on_the_organizations_trends_page(browser_page, live_server, loaded_model, tmp_path):
    now = timezone.now()
    community_with_three_organizations(now.year)
    benchmark_file = tmp_path / "community.yaml"
    call_command("write_benchmark", "platform-peers", "--output", str(benchmark_file), stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_benchmark", str(benchmark_file), stdout=out)
    label = f"Community (3 organizations, {now.year})"
    assert label in out.getvalue()

    organization, teams = build_org(teams=6, slug="acme", name="Acme")
    wave = make_wave(
        organization, load_instrument(), name="Spring", opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=2),
        teams=teams,
    )  # fmt: skip
    submit(wave, [(team, Answers(level=1 + index % 4)) for index, team in enumerate(teams) for _ in range(3)])
    rescore(now=now, wave_ids=[wave.pk])
    admin = get_user_model().objects.create_user(username="trend-admin", password="trend-pass-123")
    Membership.objects.create(user=admin, organization=organization, role=Membership.Role.ADMIN)

    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "trend-admin")
    page.fill("input[name=password]", "trend-pass-123")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/dashboard/trends/")
    page.get_by_role("link", name=f"Compare with {label}").click()
    page.wait_for_load_state("networkidle")
    page.locator("#distribution .js-plotly-plot").wait_for()
    names = page.evaluate(
        "Array.from(document.querySelectorAll('#distribution .js-plotly-plot')).flatMap(function (el) {"
        " return el.data.flatMap(function (trace) { return (trace.y || []).flat(); }); })"
    )
    keep_screenshot(page, "community-benchmark-on-trends.png", full_page=True)
    assert label in names
    assert page.get_by_role("link", name=f"Hide {label}").count() == 1
    assert label in page.locator("#distribution").inner_text()
    assert page.console_errors == []
