"""The "open a new wave" page: defaults, teams by kind or group, links created in the same step, and bad input
answered on the form with a 400, never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from assessor.models import Membership, Organization, Team, TeamGroup
from surveys.forms import LOCAL as LOCAL_FORMAT
from surveys.models import Invitation, Wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_admin(django_user_model, demo_org):
    user = django_user_model.objects.create_user("opener", password="pw")
    Membership.objects.create(user=user, organization=demo_org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def admin_client(org_admin):
    client = Client()
    client.force_login(org_admin)
    return client


def _when(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime(LOCAL_FORMAT)


def _post(client: Client, organization: Organization, bank: Any, /, **fields: Any) -> Any:
    data: dict[str, Any] = {
        "organization": organization.pk,
        "instrument": bank.pk,
        "name": "Winter check",
        "opens_at": _when(0),
        "closes_at": _when(21),
        "min_responses": 3,
        "invite": "slots",
        "per_role": 1,
    }
    data.update(fields)
    return client.post("/waves/new/", {key: value for key, value in data.items() if value is not None})


def test_the_waves_page_links_to_the_new_page_not_the_admin(admin_client, demo_org):
    page = admin_client.get("/waves/").content.decode()
    assert 'href="/waves/new/"' in page and "/admin/surveys/wave/add/" not in page


def test_it_preselects_the_organization_instrument_dates_and_every_team(admin_client, demo_org, instrument):
    page = admin_client.get("/waves/new/")

    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["organization"] == demo_org
    assert form.initial["instrument"] == instrument
    assert form.initial["closes_at"] - form.initial["opens_at"] == timedelta(days=21)
    assert form.initial["name"] == timezone.localtime().strftime("%B %Y")
    assert set(form.initial["kinds"]) == set(Team.Kind.values)
    assert form.initial["invite"] == "slots"  # the demo's teams have no members yet
    html = page.content.decode()
    assert f'value="{demo_org.pk}"' in html and "Open the wave" in html


def test_it_keeps_the_instrument_of_the_latest_wave_and_numbers_a_taken_name(admin_client, demo_org, instrument):
    now = timezone.now()
    Wave.objects.create(
        organization=demo_org, instrument=instrument, name=timezone.localtime(now).strftime("%B %Y"),
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=20),
    )  # fmt: skip

    form = admin_client.get("/waves/new/").context["form"]

    assert form.initial["instrument"] == instrument
    assert form.initial["name"] == f"{timezone.localtime(now):%B %Y} (2)"


def test_it_opens_a_wave_for_teams_of_a_kind_and_a_group_with_anonymous_slots(admin_client, demo_org, instrument):
    group = TeamGroup.objects.create(organization=demo_org, name="Payments", slug="payments")
    checkout = Team.objects.get(organization=demo_org, slug="checkout")
    checkout.group = group
    checkout.save(update_fields=["group"])
    platforms = set(Team.objects.filter(organization=demo_org, kind=Team.Kind.PLATFORM).values_list("pk", flat=True))

    reply = _post(admin_client, demo_org, instrument, kinds=["platform"], groups=[group.pk], anonymous="on")

    assert reply.status_code == 302
    wave = Wave.objects.get(organization=demo_org, name="Winter check")
    assert reply.url == f"/waves/{wave.pk}/invitations/"
    assert wave.anonymous and wave.min_responses == 3
    assert set(wave.teams.values_list("pk", flat=True)) == platforms | {checkout.pk}
    # one slot per team and fitting role: two for an application team, one for a platform team
    assert Invitation.objects.filter(wave=wave).count() == 2 + len(platforms)
    assert not Invitation.objects.filter(wave=wave).for_people().exists()


def test_it_invites_the_teams_members_by_name_in_the_same_step(admin_client, demo_org, instrument, django_user_model):
    checkout = Team.objects.get(organization=demo_org, slug="checkout")
    for username in ("ana", "ben"):
        user = django_user_model.objects.create_user(username, email=f"{username}@example.com")
        Membership.objects.create(user=user, organization=demo_org, team=checkout, role=Membership.Role.MEMBER)

    reply = _post(admin_client, demo_org, instrument, teams=[checkout.pk], invite="people")

    wave = Wave.objects.get(organization=demo_org, name="Winter check")
    assert reply.status_code == 302 and reply.url == f"/dashboard/waves/{wave.pk}/people/"
    people = Invitation.objects.filter(wave=wave).for_people()
    assert sorted(people.values_list("membership__user__username", flat=True)) == ["ana", "ben"]
    assert Invitation.objects.filter(wave=wave).count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"closes_at": _when(-1), "opens_at": _when(-3)}, "closes_at", "a new wave needs one in the future"),
        ({"closes_at": _when(1), "opens_at": _when(2)}, "closes_at", "must close after it opens"),
        ({"opens_at": "next tuesday"}, "opens_at", "Enter a valid date/time"),
        ({"kinds": [], "teams": []}, "teams", "Choose at least one team"),
        ({"teams": ["999999"]}, "teams", "Select a valid choice"),
        ({"instrument": "999999"}, "instrument", "Select a valid choice"),
        ({"invite": "everyone"}, "invite", "Select a valid choice"),
        ({"min_responses": "0"}, "min_responses", "greater than or equal to 1"),
        ({"name": ""}, "name", "This field is required"),
        ({"per_role": "500"}, "per_role", "less than or equal to 50"),
    ],
)
def test_bad_input_comes_back_on_the_form_with_a_400(admin_client, demo_org, instrument, fields, field, message):
    defaults = {"kinds": ["application"]}
    reply = _post(admin_client, demo_org, instrument, **{**defaults, **fields})

    assert reply.status_code == 400
    errors = reply.context["form"].errors
    assert field in errors and any(message in error for error in errors[field]), errors
    assert f'href="#field-{field}"' in reply.content.decode()
    assert not Wave.objects.filter(organization=demo_org).exists()


def test_a_taken_name_is_refused_on_the_form(admin_client, demo_org, instrument):
    assert _post(admin_client, demo_org, instrument, kinds=["application"]).status_code == 302

    again = _post(admin_client, demo_org, instrument, kinds=["application"])

    assert again.status_code == 400 and "already has a wave called Winter check" in again.content.decode()
    assert Wave.objects.filter(organization=demo_org).count() == 1


def test_teams_of_another_organization_cannot_be_slipped_in(admin_client, demo_org, instrument):
    other = Organization.objects.create(name="Other", slug="other")
    stranger = Team.objects.create(organization=other, name="Stranger", slug="stranger", kind="application")

    reply = _post(admin_client, demo_org, instrument, teams=[stranger.pk])

    assert reply.status_code == 400
    assert not Wave.objects.exists()


def test_an_organization_the_user_does_not_administer_cannot_be_chosen(admin_client, demo_org, instrument):
    other = Organization.objects.create(name="Other", slug="other")

    page = admin_client.get("/waves/new/?org=other")
    reply = _post(admin_client, other, instrument, kinds=["application"])

    assert page.context["organization"] == demo_org
    assert reply.status_code == 400  # the posted organization is not one of the user's
    assert not Wave.objects.exists()


def test_people_without_admin_rights_get_403_and_visitors_sign_in(client, django_user_model, demo_org):
    assert client.get("/waves/new/").status_code == 302
    member = django_user_model.objects.create_user("member")
    Membership.objects.create(user=member, organization=demo_org, role=Membership.Role.MEMBER)
    client.force_login(member)
    assert client.get("/waves/new/").status_code == 403
    assert client.post("/waves/new/", {"name": "x"}).status_code == 403


def test_an_admin_of_two_organizations_opens_a_wave_for_the_one_chosen(admin_client, org_admin, demo_org, instrument):
    other = Organization.objects.create(name="Acme", slug="acme")
    Membership.objects.create(user=org_admin, organization=other, role=Membership.Role.ADMIN)
    tools = Team.objects.create(organization=other, name="Tools", slug="tools", kind="platform")

    page = admin_client.get("/waves/new/?org=acme")
    assert page.context["organization"] == other
    assert [team.name for team in page.context["form"].fields["teams"].queryset] == ["Tools"]
    assert 'value="acme" selected' in page.content.decode()

    reply = _post(admin_client, other, instrument, teams=[tools.pk])

    assert reply.status_code == 302
    wave = Wave.objects.get(name="Winter check")
    assert wave.organization == other and list(wave.teams.all()) == [tools]
    assert (
        _post(
            admin_client, other, instrument, name="Mixed", teams=[Team.objects.filter(organization=demo_org).first().pk]
        ).status_code
        == 400
    )
