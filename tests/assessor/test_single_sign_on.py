"""Single sign-on: the whole code flow against the fake provider, people matched by verified e-mail, refusals."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User

from assessor.models import Membership, Organization, Team

pytestmark = pytest.mark.django_db


def start(client, next_url="/dashboard/"):
    """Through the service's start page and the provider's authorization endpoint: the callback URL it sends back."""
    started = client.get(f"/accounts/sso/authenticate/?next={next_url}")
    assert started.status_code == 302
    answer = requests.get(started["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/accounts/sso/callback/"
    return f"{back.path}?{back.query}"


def sign_in(client, next_url="/dashboard/"):
    return client.get(start(client, next_url))


def refusal(client, response):
    assert response.status_code == 302 and response["Location"] == "/accounts/sso/refused/"
    page = client.get(response["Location"])
    assert page.status_code == 403
    assert "_auth_user_id" not in client.session
    return page.content.decode()


@pytest.fixture
def northwind():
    organization = Organization.objects.create(name="Northwind", slug="nw")
    team = Team.objects.create(organization=organization, slug="checkout", name="Checkout", kind="application")
    return organization, team


def test_a_known_person_is_matched_by_verified_email_and_lands_on_the_dashboard(client, fake_idp, northwind):
    organization, team = northwind
    ada = User.objects.create(username="ada", email="Ada.Lovelace@Northwind.example")
    Membership.objects.create(user=ada, organization=organization, team=team, role=Membership.Role.MEMBER)
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(ada.pk)
    assert client.get("/dashboard/").status_code == 200
    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name) == ("Ada", "Lovelace")
    assert User.objects.count() == 1


def test_a_new_person_gets_an_account_and_is_told_which_admins_to_ask(client, fake_idp, northwind):
    organization, _ = northwind
    grace = User.objects.create(username="grace", email="grace@northwind.example", first_name="Grace", last_name="Hopper")
    Membership.objects.create(user=grace, organization=organization, role=Membership.Role.ADMIN)
    other = User.objects.create(username="eve", email="eve@elsewhere.example")
    Membership.objects.create(
        user=other, organization=Organization.objects.create(name="Elsewhere", slug="else"), role=Membership.Role.ADMIN
    )
    sign_in(client)
    ada = User.objects.get(email="ada.lovelace@northwind.example")
    assert ada.username == "ada.lovelace@northwind.example" and not ada.has_usable_password()
    page = client.get("/dashboard/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "No dashboard for you yet" in text
    assert "Grace Hopper" in text and 'href="mailto:grace@northwind.example"' in text
    assert "eve@elsewhere.example" not in text


def test_an_email_domain_that_is_not_allowed_is_refused(client, fake_idp):
    fake_idp.person["email"] = "ada@elsewhere.example"
    text = refusal(client, sign_in(client))
    assert "E-mail addresses at elsewhere.example may not sign in here." in text
    assert not User.objects.exists()


def test_an_unverified_email_is_refused_even_for_an_existing_account(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    fake_idp.person["email_verified"] = False
    text = refusal(client, sign_in(client))
    assert "has not verified ada.lovelace@northwind.example" in text


def test_an_issuer_configured_with_a_trailing_slash_still_matches(client, fake_idp, settings):
    settings.OIDC_ISSUER += "/"
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    assert sign_in(client)["Location"] == "/dashboard/"


def test_a_token_with_another_nonce_is_refused(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    fake_idp.nonce = "a-nonce-this-browser-never-sent"
    text = refusal(client, sign_in(client))
    assert "did not check out" in text


def test_a_token_for_another_client_is_refused(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    fake_idp.audience = "some-other-client"
    refusal(client, sign_in(client))


def test_a_token_from_another_issuer_is_refused(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    fake_idp.issuer_in_token = "https://idp.elsewhere.example"
    refusal(client, sign_in(client))


def test_a_state_this_browser_did_not_start_is_refused_before_the_code_is_used(client, fake_idp):
    callback = start(client)
    query = parse_qs(urlsplit(callback).query)
    forged = f"/accounts/sso/callback/?code={query['code'][0]}&state=forged-state"
    response = client.get(forged)
    assert response.status_code == 400
    assert "not started in this browser" in response.content.decode()
    assert "POST /idp/token" not in fake_idp.requests
    assert "_auth_user_id" not in client.session


def test_a_callback_used_twice_signs_in_once(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    callback = start(client)
    assert client.get(callback)["Location"] == "/dashboard/"
    client.logout()
    assert client.get(callback).status_code == 400


def test_a_provider_error_is_shown(client, fake_idp):
    start(client)
    response = client.get("/accounts/sso/callback/?error=access_denied&error_description=The+user+said+no&state=x")
    assert "The sign-in provider stopped the sign-in: The user said no" in refusal(client, response)


def test_a_switched_off_account_is_refused(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example", is_active=False)
    assert "switched off" in refusal(client, sign_in(client))


def test_switching_an_account_off_ends_its_single_sign_on_session(client, fake_idp, northwind):
    organization, team = northwind
    ada = User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    Membership.objects.create(user=ada, organization=organization, team=team)
    sign_in(client)
    assert client.get("/dashboard/").status_code == 200
    User.objects.filter(pk=ada.pk).update(is_active=False)
    assert client.get("/dashboard/").status_code == 302


def test_two_accounts_with_the_same_email_are_refused(client, fake_idp):
    User.objects.create(username="ada", email="ada.lovelace@northwind.example")
    User.objects.create(username="ada2", email="ADA.LOVELACE@northwind.example")
    assert "More than one account" in refusal(client, sign_in(client))


def test_an_unreachable_provider_is_a_page_saying_so(client, fake_idp, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9/idp"
    response = client.get("/accounts/sso/authenticate/")
    assert response.status_code == 503
    assert "could not be reached" in response.content.decode()


def test_a_discovery_document_for_another_issuer_is_not_trusted(client, fake_idp, settings, httpserver):
    settings.OIDC_ISSUER = httpserver.url_for("/other-idp")
    httpserver.expect_request("/other-idp/.well-known/openid-configuration").respond_with_json(fake_idp.discovery())
    response = client.get("/accounts/sso/authenticate/")
    assert response.status_code == 503
    assert "does not describe the issuer" in response.content.decode()


def test_a_provider_without_a_discovery_document_is_a_page_saying_so(client, fake_idp, settings, httpserver):
    settings.OIDC_ISSUER = httpserver.url_for("/idp/nowhere")
    response = client.get("/accounts/sso/authenticate/")
    assert response.status_code == 503
    assert "answered HTTP 404" in response.content.decode()


def test_the_password_form_stays_beside_single_sign_on(client, fake_idp):
    User.objects.create_user(username="admin", password="break-glass-password-1")
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Northwind ID" in page and 'name="password"' in page
    assert 'href="/accounts/sso/authenticate/?next=/dashboard/"' in page
    response = client.post("/accounts/login/", {"username": "admin", "password": "break-glass-password-1"})
    assert response.status_code == 302
    assert "POST /idp/token" not in fake_idp.requests


def test_without_an_issuer_there_is_no_single_sign_on(client, settings):
    settings.OIDC_ISSUER = ""
    assert client.get("/accounts/sso/authenticate/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
