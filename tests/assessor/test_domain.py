import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from assessor.models import Consumption, Membership, Organization, Repository, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return Organization.objects.create(name="Org", slug="org")


def make_team(org, slug, kind):
    return Team.objects.create(organization=org, name=slug.title(), slug=slug, kind=kind)


def test_an_application_team_consumes_a_platform(org):
    app = make_team(org, "shop", "application")
    platform = make_team(org, "paas", "platform")
    link = Consumption(consumer=app, provider=platform)
    link.full_clean()
    link.save()
    assert list(app.consumes.all()) == [platform]
    assert list(platform.consumers.all()) == [app]


def test_a_platform_cannot_consume_an_application(org):
    app = make_team(org, "shop", "application")
    platform = make_team(org, "paas", "platform")
    with pytest.raises(ValidationError, match="Only application teams consume"):
        Consumption(consumer=platform, provider=app).full_clean()


def test_teams_of_two_organizations_cannot_be_linked(org):
    other = Organization.objects.create(name="Other", slug="other")
    with pytest.raises(ValidationError, match="same organization"):
        Consumption(consumer=make_team(org, "shop", "application"), provider=make_team(other, "paas", "platform")).full_clean()


def test_a_team_member_needs_a_team(org):
    user = User.objects.create_user("ann")
    with pytest.raises(ValidationError, match="belong to a team"):
        Membership(user=user, organization=org, role="member").full_clean()
    Membership(user=user, organization=org, role="admin").full_clean()


def test_a_repository_needs_a_location(org):
    team = make_team(org, "shop", "application")
    with pytest.raises(ValidationError, match="local path or a GitHub full name"):
        Repository(team=team, name="x").full_clean()
    with pytest.raises(ValidationError, match="owner/name"):
        Repository(team=team, name="x", github_full_name="justaname").full_clean()
    repo = Repository(team=team, name="x", github_full_name="acme/shop")
    repo.full_clean()
    assert repo.source == "github"


def test_querysets_split_consumers_from_providers(org):
    make_team(org, "shop", "application")
    make_team(org, "paas", "platform")
    make_team(org, "net", "infrastructure")
    assert list(Team.objects.applications().values_list("slug", flat=True)) == ["shop"]
    assert sorted(Team.objects.providers().values_list("slug", flat=True)) == ["net", "paas"]
