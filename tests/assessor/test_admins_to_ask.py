"""Whom a signed-in person without a membership is told to ask: admins of their e-mail domain first."""

import pytest
from django.contrib.auth.models import User

from assessor.access import admins_to_ask
from assessor.models import Membership, Organization

pytestmark = pytest.mark.django_db


def admin_of(organization, username, email, **names):
    user = User.objects.create(username=username, email=email, **names)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN)
    return user


def test_it_names_the_admins_who_share_the_persons_email_domain():
    northwind, elsewhere = (Organization.objects.create(name=n, slug=n.lower()) for n in ("Northwind", "Elsewhere"))
    admin_of(northwind, "grace", "grace@northwind.example", first_name="Grace", last_name="Hopper")
    admin_of(elsewhere, "eve", "eve@elsewhere.example")
    newcomer = User.objects.create(username="ada", email="ada@Northwind.example")
    assert admins_to_ask(newcomer) == [("Grace Hopper", "grace@northwind.example")]


def test_with_many_organizations_and_no_admin_of_the_domain_it_names_the_superusers():
    for name in ("Northwind", "Elsewhere"):
        admin_of(Organization.objects.create(name=name, slug=name.lower()), name.lower(), f"boss@{name.lower()}.example")
    User.objects.create(username="root", email="root@ops.example", is_superuser=True)
    User.objects.create(username="silent-root", email="", is_superuser=True)
    assert admins_to_ask(User.objects.create(username="ada", email="ada@third.example")) == [("root", "root@ops.example")]


def test_a_person_is_never_told_to_ask_themselves():
    organization = Organization.objects.create(name="Northwind", slug="nw")
    grace = admin_of(organization, "grace", "grace@northwind.example")
    assert admins_to_ask(grace) == []


def test_for_a_member_without_a_team_it_names_that_organizations_admins():
    northwind, elsewhere = (Organization.objects.create(name=n, slug=n.lower()) for n in ("Northwind", "Elsewhere"))
    admin_of(northwind, "grace", "grace@shared.example")
    admin_of(elsewhere, "eve", "eve@shared.example")
    member = User.objects.create(username="ada", email="ada@shared.example")
    Membership.objects.create(user=member, organization=northwind, role=Membership.Role.VIEWER)
    assert admins_to_ask(member, organization=northwind) == [("grace", "grace@shared.example")]
