"""Who administers which organizations: the one answer the staff pages and the API share."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from assessor.access import organizations_administered
from assessor.api.permissions import administered_organizations
from assessor.models import Membership, Organization, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    acme = Organization.objects.create(name="Acme", slug="acme")
    other = Organization.objects.create(name="Other", slug="other")
    team = Team.objects.create(organization=acme, name="Checkout", slug="checkout", kind="application")
    return acme, other, team


def test_a_superuser_administers_every_organization(orgs, django_assert_num_queries):
    root = User.objects.create_superuser("root", "root@acme.example", "pw")
    with django_assert_num_queries(1):
        assert list(organizations_administered(root)) == [orgs[0], orgs[1]]


def test_an_admin_of_one_organization_administers_only_that_one(orgs, django_assert_num_queries):
    acme, other, _ = orgs
    amy = User.objects.create_user("amy")
    Membership.objects.create(user=amy, organization=acme, role=Membership.Role.ADMIN)
    Membership.objects.create(user=amy, organization=other, team=None, role=Membership.Role.VIEWER)
    with django_assert_num_queries(1):
        assert list(organizations_administered(amy)) == [acme]
    assert administered_organizations(amy) == [acme]


def test_an_admin_with_two_admin_memberships_gets_the_organization_once(orgs):
    acme, _, team = orgs
    amy = User.objects.create_user("amy")
    Membership.objects.create(user=amy, organization=acme, role=Membership.Role.ADMIN)
    Membership.objects.create(user=amy, organization=acme, team=team, role=Membership.Role.ADMIN)
    assert list(organizations_administered(amy)) == [acme]


def test_a_member_administers_nothing(orgs):
    acme, _, team = orgs
    bob = User.objects.create_user("bob")
    Membership.objects.create(user=bob, organization=acme, team=team, role=Membership.Role.MEMBER)
    assert list(organizations_administered(bob)) == []
    assert administered_organizations(bob) == []


def test_an_anonymous_user_administers_nothing_without_a_query(orgs, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(organizations_administered(AnonymousUser())) == []
