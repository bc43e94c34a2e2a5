"""sync_catalog: the organization brought in line with a catalog file, idempotent, in one transaction."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessor.demo import GROUPS, TEAMS
from assessor.models import Consumption, Membership, Organization, Repository, Team, TeamGroup
from surveys import conf as surveys_conf
from surveys.instruments import read_instrument_file
from surveys.models import Response
from surveys.services import instrument_load
from tests.surveys.conftest import make_wave

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "catalog" / "northwind.yaml"


def sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_catalog", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def organization() -> Organization:
    return Organization.objects.create(name="Northwind", slug="nw")


def structure(organization: Organization) -> dict[str, object]:
    return {
        "groups": set(TeamGroup.objects.filter(organization=organization).values_list("slug", "name")),
        "teams": set(organization.teams.values_list("slug", "name", "kind", "group__slug", "description")),
        "links": set(
            Consumption.objects.filter(consumer__organization=organization).values_list("consumer__slug", "provider__slug")
        ),
        "repositories": set(Repository.objects.filter(team__organization=organization).values_list("name", "team__slug")),
        "memberships": set(organization.memberships.values_list("user__username", "team__slug", "github_login")),
    }


def test_it_builds_the_demo_organization_from_its_catalog(organization):
    sync("--organization", "nw", "--from", str(FIXTURE))
    built = structure(organization)
    assert built["groups"] == set(GROUPS.items())
    assert built["teams"] == {(t.slug, t.name, t.kind, t.group, t.description) for t in TEAMS}
    assert built["links"] == {(t.slug, provider) for t in TEAMS for provider in t.provider_slugs}
    assert built["repositories"] == {
        (f"{t.slug}-service" if t.kind == "application" else f"{t.slug}-config", t.slug) for t in TEAMS if t.repository
    }
    assert built["memberships"] == {
        ("ada.lovelace", "checkout", "ada-l"),
        ("grace.hopper", "developer-platform", "ghopper"),
        ("linus.t", "cloud-infrastructure", "linus-t"),
        ("linus.t", "security-engineering", "linus-t"),
        ("margaret.h", "data-platform", "mhamilton"),
        ("ken.t", "routing", ""),
        ("barbara.l", "analytics", "bliskov"),
    }
    assert Membership.objects.get(user__username="ada.lovelace").user.email == "ada.lovelace@northwind.example"
    assert Repository.objects.get(name="checkout-service").github_full_name == "northwind/checkout-service"


def test_each_link_keeps_the_relations_it_came_from(organization):
    sync("--organization", "nw", "--from", str(FIXTURE))
    link = Consumption.objects.get(consumer__slug="checkout", provider__slug="security-engineering")
    assert link.source_ref == "group:default/checkout>group:default/security-engineering"
    assert link.provenance == [
        {"entity": "component:default/checkout-service", "relation": "consumesApi", "target": "api:default/secrets-api"},
        {"entity": "component:default/vault-config", "relation": "providesApi", "target": "api:default/secrets-api"},
    ]


def test_a_second_run_changes_nothing(organization):
    sync("--organization", "nw", "--from", str(FIXTURE))
    before = structure(organization)
    out = sync("--organization", "nw", "--from", str(FIXTURE))
    assert "Nothing to change" in out
    assert structure(organization) == before


def test_it_syncs_the_demo_without_changing_its_structure(demo_org):
    before = structure(demo_org)
    local_paths = dict(Repository.objects.values_list("name", "local_path"))
    sync("--organization", demo_org.slug, "--from", str(FIXTURE))
    after = structure(demo_org)
    assert {key: after[key] for key in ("groups", "teams", "links", "repositories")} == {
        key: before[key] for key in ("groups", "teams", "links", "repositories")
    }
    assert dict(Repository.objects.values_list("name", "local_path")) == local_paths  # still collected locally
    assert not Team.objects.filter(organization=demo_org, source_ref="").exists()
    assert "Nothing to change" in sync("--organization", demo_org.slug, "--from", str(FIXTURE))


def test_a_dry_run_prints_what_would_change_and_changes_nothing(organization):
    out = sync("--organization", "nw", "--from", str(FIXTURE), "--dry-run")
    assert "Would be added (" in out
    assert "  team checkout (application)" in out
    assert "  link checkout → security-engineering" in out
    assert "Dry run: nothing was changed." in out
    assert not organization.teams.exists()
    assert not organization.memberships.exists()


def test_a_dry_run_shows_changes_as_old_and_new_values(organization):
    sync("--organization", "nw", "--from", str(FIXTURE))
    Team.objects.filter(slug="mobile").update(name="Old name", kind="platform")
    out = sync("--organization", "nw", "--from", str(FIXTURE), "--dry-run")
    assert "  team mobile (name: 'Old name' → 'Mobile App', kind: 'platform' → 'application')" in out
    assert Team.objects.get(slug="mobile").name == "Old name"


def test_a_kind_set_in_the_admin_survives_the_sync(organization):
    sync("--organization", "nw", "--from", str(FIXTURE))
    Team.objects.filter(slug="data-platform").update(kind="infrastructure", kind_overridden=True)
    sync("--organization", "nw", "--from", str(FIXTURE))
    assert Team.objects.get(slug="data-platform").kind == "infrastructure"


def test_what_leaves_the_catalog_is_kept_unless_pruned(organization, tmp_path):
    sync("--organization", "nw", "--from", str(FIXTURE))
    handmade = Team.objects.create(organization=organization, slug="handmade", name="Handmade", kind="application")
    smaller = tmp_path / "catalog-info.yaml"
    text = FIXTURE.read_text()
    smaller.write_text(text.replace("  - api:deployments-api\n  - api:secrets-api\n", "  - api:deployments-api\n", 1))
    out = sync("--organization", "nw", "--from", str(smaller))
    assert "kept (--prune removes them) (1):\n  link Checkout → Security Engineering" in out
    assert Consumption.objects.filter(consumer__slug="checkout", provider__slug="security-engineering").exists()

    out = sync("--organization", "nw", "--from", str(smaller), "--prune")
    assert "Removed (1):\n  link Checkout → Security Engineering" in out
    assert not Consumption.objects.filter(consumer__slug="checkout", provider__slug="security-engineering").exists()
    assert Team.objects.filter(pk=handmade.pk).exists()  # never came from the catalog


def test_a_bad_catalog_changes_nothing_and_names_each_entity(organization, tmp_path):
    sync("--organization", "nw", "--from", str(FIXTURE))
    before = structure(organization)
    broken = tmp_path / "catalog-info.yaml"
    broken.write_text(
        FIXTURE.read_text().replace("name: routing\n", "name: routing-renamed\n", 1)
        + "---\nkind: Gadget\nmetadata:\n  name: thing\n"
    )
    with pytest.raises(CommandError) as caught:
        sync("--organization", "nw", "--from", str(broken))
    message = str(caught.value)
    assert "nothing was changed" in message
    assert "gadget:default/thing: unknown kind 'Gadget'" in message
    assert "component:default/routing-service: owner group:default/routing is not in the catalog" in message
    assert structure(organization) == before


def test_it_refuses_an_unknown_organization_or_a_missing_file(organization, tmp_path):
    with pytest.raises(CommandError, match="No organization with slug 'elsewhere'"):
        sync("--organization", "elsewhere", "--from", str(FIXTURE))
    with pytest.raises(CommandError, match="no such file or directory"):
        sync("--organization", "nw", "--from", str(tmp_path / "missing.yaml"))


def test_a_bad_kind_mapping_is_reported_not_raised(organization, settings):
    settings.CATALOG_KIND_TYPES = "platform=golden"
    with pytest.raises(CommandError, match="CATALOG_KIND_TYPES"):
        sync("--organization", "nw", "--from", str(FIXTURE))


def test_pruning_keeps_a_team_that_has_survey_answers(organization, tmp_path):
    sync("--organization", "nw", "--from", str(FIXTURE))
    instrument = instrument_load(spec=read_instrument_file(surveys_conf.default_instrument_file())).instrument
    wave = make_wave(organization, instrument)
    Response.objects.create(wave=wave, team=Team.objects.get(slug="mobile"), role="app_developer", updated_at=timezone.now())
    without_mobile = tmp_path / "catalog-info.yaml"
    without_mobile.write_text(
        FIXTURE.read_text()
        .replace("  - mobile\n", "")
        .replace("  owner: group:default/mobile\n", "  owner: group:default/checkout\n")
    )
    text = without_mobile.read_text()
    start = text.index("kind: Group\nmetadata:\n  name: mobile\n")
    end = text.index("---", start)
    without_mobile.write_text(text[:start] + text[end + 4 :])
    out = sync("--organization", "nw", "--from", str(without_mobile), "--prune")
    assert "  team Mobile App (survey answers refer to it, so it stays)" in out
    assert Team.objects.filter(slug="mobile").exists()
