"""sync_github_org: teams, members and managed repositories from a GitHub organization, against the fake GitHub."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from assessor.models import Membership, Organization, Repository, Team, TeamGroup
from collectors.github_org import GitHubShapeError, TeamRepository, parse_team_repository
from collectors.models import SourceState
from collectors.tasks import sync_github_org

pytestmark = pytest.mark.django_db


def sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_github_org", "northwind", "--organization", "nw", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def organization() -> Organization:
    return Organization.objects.create(name="Northwind", slug="nw")


def structure(organization: Organization) -> dict[str, object]:
    return {
        "groups": set(TeamGroup.objects.filter(organization=organization).values_list("slug", "name")),
        "teams": set(organization.teams.values_list("slug", "name", "kind", "group__slug")),
        "memberships": set(organization.memberships.values_list("user__username", "team__slug", "github_login")),
        "repositories": set(
            Repository.objects.filter(team__organization=organization).values_list("github_full_name", "team__slug")
        ),
    }


def test_it_builds_teams_groups_members_and_the_repositories_teams_manage(organization, fake_github):
    sync()
    built = structure(organization)
    assert built["groups"] == {("product", "Product engineering"), ("platform-group", "Platform and infrastructure")}
    assert built["teams"] == {
        ("checkout", "Checkout", "application", "product"),
        ("search", "Search", "application", "product"),
        ("developer-platform", "Developer Platform", "application", "platform-group"),
        ("cloud-infrastructure", "Cloud Infrastructure", "application", "platform-group"),
        ("security-engineering", "Security Engineering", "application", None),
    }
    assert built["memberships"] == {
        ("ada-l", "checkout", "ada-l"),
        ("noah-k", "checkout", "noah-k"),
        ("noah-k", "search", "noah-k"),
        ("ghopper", "developer-platform", "ghopper"),
        ("priya-r", "developer-platform", "priya-r"),
        ("Margaret-H", "developer-platform", "Margaret-H"),
        ("linus-t", "cloud-infrastructure", "linus-t"),
        ("linus-t", "security-engineering", "linus-t"),
    }
    # Admin rights win over maintain rights; write and read rights attach nothing; the handbook is the parent's.
    assert built["repositories"] == {
        ("northwind/checkout-service", "checkout"),
        ("northwind/search-api", "search"),
        ("northwind/platform-config", "developer-platform"),
        ("northwind/infra-live", "cloud-infrastructure"),
        ("northwind/vault-config", "security-engineering"),
    }
    assert Team.objects.get(slug="checkout").description == "Cart, payment and order confirmation."
    assert Team.objects.get(slug="checkout").source_ref == "github-org:northwind::team/checkout"


def test_it_says_what_it_left_out(organization, fake_github):
    out = sync()
    assert "team engineering: above the groups of teams, left out" in out
    assert "repository northwind/checkout-service: developer-platform may also manage it; it stays with checkout" in out
    assert "repository northwind/platform-config: cloud-infrastructure may also manage it" in out


def test_a_second_run_changes_nothing_and_costs_no_rate_limit(organization, fake_github):
    sync()
    before, used, asked = structure(organization), fake_github.points_used, len(fake_github.requests)
    out = sync()
    assert "Nothing to change: the organization matches the GitHub organization." in out
    assert "0 pages changed since the last read" in out
    assert structure(organization) == before
    assert fake_github.points_used == used
    assert {status for _, status in fake_github.requests[asked:]} == {304}


def test_it_follows_every_page_and_keeps_each_pages_etag(organization, fake_github):
    fake_github.max_page_size = 2
    sync()
    assert len(structure(organization)["teams"]) == 5
    assert any("/organizations/900/teams?" in path and "page=4" in path for path, _ in fake_github.requests)
    assert any("/organizations/900/team/31/members?" in path for path, _ in fake_github.requests)
    asked = len(fake_github.requests)
    sync()
    assert {status for _, status in fake_github.requests[asked:]} == {304}
    assert len(fake_github.requests) - asked == asked


def test_a_changed_page_is_read_again_and_the_rest_answer_304(organization, fake_github):
    sync()
    asked = len(fake_github.requests)
    member = {**fake_github.team_members["search"][0], "login": "emma-w", "id": 150}
    fake_github.team_members["search"].append(member)
    out = sync()
    assert "membership emma-w in search" in out
    assert "1 pages changed since the last read" in out
    fresh = [path for path, status in fake_github.requests[asked:] if status == 200]
    assert fresh == ["/orgs/northwind/teams/search/members?per_page=100"]


def test_a_dry_run_changes_nothing_and_keeps_no_state(organization, fake_github):
    out = sync("--dry-run")
    assert "Would be added" in out and "team checkout (application)" in out
    assert not organization.teams.exists() and not User.objects.exists()
    assert not SourceState.objects.exists()


def test_it_matches_people_by_their_github_login_and_keeps_hand_made_teams(organization, fake_github):
    own = Team.objects.create(organization=organization, slug="checkout", name="Checkout", kind="application")
    ada = User.objects.create(username="ada.lovelace", email="ada@northwind.example")
    Membership.objects.create(user=ada, organization=organization, team=own, github_login="Ada-L")
    margaret = User.objects.create(username="margaret-h")
    sync()
    adopted = organization.memberships.get(team__slug="checkout", user=ada)
    assert (adopted.source_ref, adopted.github_login) == ("github-org:northwind::member/ada-l>checkout", "ada-l")
    assert not User.objects.filter(username="ada-l").exists()
    assert organization.memberships.filter(team__slug="developer-platform", user=margaret).exists()
    assert Team.objects.get(pk=own.pk).source_ref == "github-org:northwind::team/checkout"


def test_team_kinds_come_from_the_setting_or_stay_as_they_are(organization, fake_github, settings):
    Team.objects.create(organization=organization, slug="security-engineering", name="Sec", kind="platform")
    settings.GITHUB_ORG_TEAM_KINDS = "developer-platform=platform,cloud-infrastructure=infrastructure"
    sync()
    kinds = dict(organization.teams.values_list("slug", "kind"))
    assert kinds["developer-platform"] == "platform"
    assert kinds["cloud-infrastructure"] == "infrastructure"
    assert kinds["security-engineering"] == "platform"
    assert kinds["checkout"] == "application"


def test_a_bad_kind_mapping_is_refused_before_anything_is_read(organization, fake_github, settings):
    settings.GITHUB_ORG_TEAM_KINDS = "developer-platform=wizards"
    with pytest.raises(CommandError, match="GITHUB_ORG_TEAM_KINDS"):
        sync()
    assert not fake_github.requests


def test_a_team_gone_from_github_is_kept_unless_pruned_and_other_sources_are_left_alone(organization, fake_github):
    sync()
    hand_made = Team.objects.create(organization=organization, slug="ops", name="Ops", kind="platform")
    from_catalog = Team.objects.create(
        organization=organization, slug="data", name="Data", kind="platform", source_ref="group:default/data"
    )
    fake_github.teams = [team for team in fake_github.teams if team["slug"] != "search"]
    out = sync()
    assert "No longer in the GitHub organization, kept (--prune removes them)" in out
    assert organization.teams.filter(slug="search").exists()
    out = sync("--prune")
    assert "team Search" in out.split("Removed", 1)[1]
    assert not organization.teams.filter(slug="search").exists()
    assert organization.memberships.filter(user__username="noah-k", team__slug="checkout").exists()
    assert Team.objects.filter(pk__in=[hand_made.pk, from_catalog.pk]).count() == 2


def test_an_organization_github_does_not_know_is_an_error_and_changes_nothing(organization, fake_github):
    out = StringIO()
    with pytest.raises(CommandError, match="GitHub has no organization 'southwind'"):
        call_command("sync_github_org", "southwind", "--organization", "nw", stdout=out)
    assert not organization.teams.exists()


def test_a_github_failure_midway_changes_nothing(organization, fake_github):
    fake_github.fail("/teams/search/repos", 502)
    with pytest.raises(CommandError, match=r"answered 502.*Nothing was changed. Trying again later may help"):
        sync()
    assert not organization.teams.exists() and not SourceState.objects.exists()


def test_a_spent_call_budget_changes_nothing(organization, fake_github, settings):
    settings.GITHUB_ORG_MAX_CALLS = 5
    with pytest.raises(CommandError, match=r"budget of 5 API calls ran out.*GITHUB_ORG_MAX_CALLS"):
        sync()
    assert not organization.teams.exists()
    assert len(fake_github.requests) == 5


def test_it_reads_github_enterprise_below_its_api_root(organization, fake_github, settings):
    fake_github.api_prefix = "/api/v3"
    fake_github.max_page_size = 3
    settings.GITHUB_BASE_URL += "/api/v3"
    sync()
    assert organization.teams.count() == 5
    assert all(path.startswith("/api/v3/") for path, _ in fake_github.requests)
    assert any(path.startswith("/api/v3/organizations/900/teams?") for path, _ in fake_github.requests)


def test_a_team_added_on_github_arrives_with_its_group(organization, fake_github):
    sync()
    fake_github.add_team("payments", parent="product", members=("ada-l",))
    out = sync()
    assert "team payments (application)" in out
    assert Team.objects.get(slug="payments").group.slug == "product"
    assert organization.memberships.filter(user__username="ada-l", team__slug="payments").exists()


@pytest.mark.parametrize(
    ("permissions", "role"),
    [
        ({"admin": True, "maintain": True, "push": True, "triage": True, "pull": True}, "admin"),
        ({"admin": False, "maintain": True, "push": True, "triage": True, "pull": True}, "maintain"),
        ({"admin": False, "maintain": False, "push": True, "triage": True, "pull": True}, None),
        ({"pull": True}, None),
    ],
)
def test_only_admin_and_maintain_rights_attach_a_repository(permissions, role):
    parsed = parse_team_repository({"full_name": "northwind/x", "name": "x", "permissions": permissions})
    assert parsed == (TeamRepository("northwind/x", "x", role) if role else None)


def test_a_repository_without_permissions_is_not_shaped_as_github_documents():
    with pytest.raises(GitHubShapeError):
        parse_team_repository({"full_name": "northwind/x"})


def test_the_schedule_does_nothing_until_configured_then_syncs(organization, fake_github):
    assert sync_github_org.apply(kwargs={"organization": "", "org": ""}).get().startswith("not configured")
    assert sync_github_org.apply(kwargs={"organization": "nw", "org": "northwind"}).get() == "26 added, 0 changed, 0 removed"
    assert sync_github_org.apply(kwargs={"organization": "nw", "org": "northwind"}).get() == "0 added, 0 changed, 0 removed"


def test_a_state_it_cannot_read_back_is_read_afresh(organization, fake_github):
    sync()
    state = SourceState.objects.get(source_key="org:northwind")
    state.data = {"pages": {key: {**page, "items": [{"unexpected": True}]} for key, page in state.data["pages"].items()}}
    state.save(update_fields=["data"])
    asked = len(fake_github.requests)
    out = sync()
    assert "Nothing to change" in out
    assert {status for _, status in fake_github.requests[asked:]} == {200}
