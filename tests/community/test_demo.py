"""The demo community: three synthetic organizations, every release through the receiving checks, the
benchmark loaded, and running it again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from community.demo import SLUG
from community.models import Community, Contributor, ReceivedRelease
from reports.benchmark_store import loaded_benchmarks
from reports.models import LoadedBenchmark

pytestmark = pytest.mark.django_db


def test_the_demo_community_shows_the_whole_loop(demo_org):
    out = io.StringIO()
    call_command("seed_community_demo", stdout=out)
    community = Community.objects.get(slug=SLUG)
    assert ReceivedRelease.objects.filter(community=community).count() == 6  # three organizations, two years
    assert Contributor.objects.get(community=community, pseudonym="Organization D").organization == demo_org
    labels = [edition.label for edition in loaded_benchmarks()]
    assert any(label.startswith("Community (3 organizations, ") for label in labels), labels
    assert f"/communities/{SLUG}/" in out.getvalue()

    call_command("seed_community_demo", stdout=io.StringIO())
    assert ReceivedRelease.objects.filter(community=community).count() == 6
    assert LoadedBenchmark.objects.count() == 1


def test_the_demo_community_names_each_practice_as_the_organizations_pages_do(demo_org, client):
    from community.models import CommunityRole
    from tests.reports.factories import person

    call_command("seed_community_demo", stdout=io.StringIO())
    reviewer = person("rita-demo")
    CommunityRole.objects.create(community=Community.objects.get(slug=SLUG), user=reviewer, role=CommunityRole.Role.REVIEWER)
    client.force_login(reviewer)
    page = client.get(f"/communities/{SLUG}/").content.decode()
    assert "<td>Self-service platform</td>" in page or ">Self-service platform<" in page
    assert ">self_service<" not in page
