"""import_org_csv / export_org_csv: an organization's structure as CSV, out and back, all rows or none."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessor.demo import TEAMS
from assessor.models import Consumption, Membership, Organization, Repository, Team

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def structure(organization: Organization) -> dict[str, set[tuple[object, ...]]]:
    return {
        "teams": set(organization.teams.values_list("slug", "name", "kind", "group__slug", "description")),
        "memberships": set(organization.memberships.values_list("user__username", "team__slug", "role", "github_login")),
        "repositories": set(
            Repository.objects.filter(team__organization=organization).values_list(
                "team__slug", "name", "local_path", "github_full_name", "is_platform_repo"
            )
        ),
        "links": set(
            Consumption.objects.filter(consumer__organization=organization).values_list("consumer__slug", "provider__slug")
        ),
    }


def test_the_demo_goes_out_and_comes_back_into_an_empty_organization_unchanged(demo_org, tmp_path, django_user_model):
    lead = django_user_model.objects.create_user("lee", email="lee@example.com")
    Membership.objects.create(
        user=lead, organization=demo_org, team=demo_org.teams.get(slug="checkout"), role="team_lead", github_login="lee-gh"
    )
    run("export_org_csv", "--organization", demo_org.slug, str(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "links.csv",
        "memberships.csv",
        "repositories.csv",
        "teams.csv",
    ]
    copy = Organization.objects.create(name="Copy", slug="copy")
    out = run("import_org_csv", "--organization", "copy", str(tmp_path))
    assert f"teams.csv: {len(TEAMS)} created, 0 updated" in out
    assert structure(copy) == structure(demo_org)
    assert f"teams.csv: 0 created, {len(TEAMS)} updated" in run("import_org_csv", "--organization", "copy", str(tmp_path))
    assert structure(copy) == structure(demo_org)


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_kept(tmp_path):
    organization = Organization.objects.create(name="Acme", slug="acme")
    (tmp_path / "teams.csv").write_text(
        "slug,name,kind,group_slug,group_name,description\n"
        "shop,Shop,application,customer,Customer,\n"
        "paas,PaaS,platfrom,,,\n"
        "infra,Infra,infrastructure,,,\n"
    )
    (tmp_path / "links.csv").write_text("consumer,provider\nshop,infra\nshop,paas\ninfra,shop\n")
    (tmp_path / "repositories.csv").write_text(
        "team,name,github_full_name,local_path,is_platform_repo\nshop,web,acme/web,,maybe\nshop,api,no-slash,,no\n"
    )
    with pytest.raises(CommandError) as caught:
        run("import_org_csv", "--organization", "acme", str(tmp_path))
    message = str(caught.value)
    assert message.startswith("Nothing was imported:")
    assert "teams.csv line 3: kind: Value 'platfrom' is not a valid choice." in message
    assert "links.csv line 3: provider: no team 'paas' in this organization" in message
    assert "links.csv line 4: consumer: Only application teams consume platforms." in message
    assert "repositories.csv line 2: is_platform_repo: 'maybe' is not yes or no" in message
    assert "repositories.csv line 3: github_full_name: Use the form owner/name." in message
    assert not Team.objects.filter(organization=organization).exists()
    assert not organization.groups.exists()


def test_a_file_with_missing_columns_is_refused_at_line_one(tmp_path):
    Organization.objects.create(name="Acme", slug="acme")
    (tmp_path / "teams.csv").write_text("slug,name\nshop,Shop\n")
    with pytest.raises(CommandError, match=r"teams\.csv line 1: missing columns kind, group_slug"):
        run("import_org_csv", "--organization", "acme", str(tmp_path))


def test_a_local_path_outside_the_allowed_roots_is_refused(tmp_path):
    Organization.objects.create(name="Acme", slug="acme")
    (tmp_path / "teams.csv").write_text("slug,name,kind,group_slug,group_name,description\nshop,Shop,application,,,\n")
    (tmp_path / "repositories.csv").write_text("team,name,github_full_name,local_path,is_platform_repo\nshop,secrets,,/etc,no\n")
    with pytest.raises(CommandError, match=r"repositories\.csv line 2: local_path: "):
        run("import_org_csv", "--organization", "acme", str(tmp_path))
    assert not Team.objects.filter(slug="shop").exists()


def test_an_empty_directory_is_an_error(tmp_path):
    Organization.objects.create(name="Acme", slug="acme")
    with pytest.raises(CommandError, match=r"holds none of teams\.csv"):
        run("import_org_csv", "--organization", "acme", str(tmp_path))
