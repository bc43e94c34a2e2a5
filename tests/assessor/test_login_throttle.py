import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_it_pauses_sign_in_after_repeated_wrong_passwords(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    User.objects.create_user("ann", password="right-password-123")
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "ann", "password": "wrong"}).status_code == 200
    blocked = client.post("/accounts/login/", {"username": "ann", "password": "right-password-123"})
    assert blocked.status_code == 429
    assert b"Too many sign-in attempts" in blocked.content


def test_a_good_password_resets_the_count(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    User.objects.create_user("bob", password="right-password-123")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "bob", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "bob", "password": "right-password-123"}).status_code == 302
    client.logout()
    for _ in range(2):
        assert client.post("/accounts/login/", {"username": "bob", "password": "wrong"}).status_code == 200


def test_other_accounts_are_not_affected(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    User.objects.create_user("carol", password="right-password-123")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "mallory", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "carol", "password": "right-password-123"}).status_code == 302
