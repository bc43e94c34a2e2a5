import pytest
from django.contrib.auth.models import User

from assessor.models import Consumption, Membership, Organization, Team
from collectors.services import _consumer_logins

pytestmark = pytest.mark.django_db


def test_a_recorded_github_login_wins_over_the_username():
    organization = Organization.objects.create(name="Org", slug="org")
    platform = Team.objects.create(organization=organization, name="PaaS", slug="paas", kind="platform")
    shop = Team.objects.create(organization=organization, name="Shop", slug="shop", kind="application")
    other = Team.objects.create(organization=organization, name="Other", slug="other", kind="application")
    Consumption.objects.create(consumer=shop, provider=platform)
    Membership.objects.create(user=User.objects.create_user("emma"), organization=organization, team=shop, github_login="emma-gh")
    Membership.objects.create(user=User.objects.create_user("noah"), organization=organization, team=shop)
    Membership.objects.create(user=User.objects.create_user("zoe"), organization=organization, team=other, github_login="zoe-gh")
    assert sorted(_consumer_logins(platform)) == ["emma-gh", "noah"]
