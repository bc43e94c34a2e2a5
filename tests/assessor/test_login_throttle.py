"""Sign-in throttling (django-axes plus one check at a time): per account and address, on the sign-in page and
the admin's, safe under concurrent guesses, and a stranger elsewhere cannot lock a user out."""

import threading

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.core.cache import cache

pytestmark = pytest.mark.django_db

RIGHT = "right-password-123"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def wrong(client, username, **extra):
    return client.post("/accounts/login/", {"username": username, "password": "wrong"}, **extra)


def test_it_pauses_sign_in_after_repeated_wrong_passwords(client, limit):
    User.objects.create_user("ann", password=RIGHT)
    for _ in range(limit - 1):
        assert wrong(client, "ann").status_code == 200
    assert wrong(client, "ann").status_code == 429
    blocked = client.post("/accounts/login/", {"username": "ann", "password": RIGHT})
    assert blocked.status_code == 429
    assert b"Too many sign-in attempts" in blocked.content


def test_a_good_password_resets_the_count(client, limit):
    User.objects.create_user("bob", password=RIGHT)
    for _ in range(limit - 1):
        wrong(client, "bob")
    assert client.post("/accounts/login/", {"username": "bob", "password": RIGHT}).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        assert wrong(client, "bob").status_code == 200


def test_other_accounts_are_not_affected(client, limit):
    User.objects.create_user("carol", password=RIGHT)
    for _ in range(limit):
        wrong(client, "mallory")
    assert client.post("/accounts/login/", {"username": "carol", "password": RIGHT}).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, limit):
    User.objects.create_superuser("root", "root@example.com", RIGHT)
    for _ in range(limit):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    blocked = client.post("/admin/login/?next=/admin/", {"username": "root", "password": RIGHT})
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_one_page_count_on_the_other(client, limit):
    User.objects.create_superuser("root", "root@example.com", RIGHT)
    for _ in range(limit):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "root", "password": RIGHT}).status_code == 429


def test_a_stranger_failing_from_another_address_does_not_lock_the_user_out(client, limit):
    User.objects.create_user("dana", password=RIGHT)
    for _ in range(limit + 2):
        wrong(client, "dana", REMOTE_ADDR="203.0.113.9")
    assert wrong(client, "dana", REMOTE_ADDR="203.0.113.9").status_code == 429
    own = client.post("/accounts/login/", {"username": "dana", "password": RIGHT}, REMOTE_ADDR="198.51.100.7")
    assert own.status_code == 302


def test_behind_the_proxy_each_client_is_counted_by_its_own_address(client, limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    User.objects.create_user("erin", password=RIGHT)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(limit + 2):
        # The stranger also forges a header of their own; the proxy appends the address it saw.
        wrong(client, "erin", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9", **proxy)
    assert wrong(client, "erin", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 429
    own = client.post("/accounts/login/", {"username": "erin", "password": RIGHT}, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert own.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


class CountingHasher(PBKDF2PasswordHasher):
    """A real, slow hasher (so that guesses overlap while one is checked) that counts the passwords it checks."""

    checked = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with self.lock:
            type(self).checked += 1
        return super().verify(password, encoded)


def test_concurrent_wrong_guesses_cannot_exceed_the_limit(live_server, settings, limit):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checked = 0
    User.objects.create_user("fay", password=RIGHT)
    url = f"{live_server.url}/accounts/login/"
    csrf = requests.get(url, timeout=30).cookies["csrftoken"]
    session = {"cookies": {"csrftoken": csrf}, "headers": {"Referer": url}, "timeout": 60, "allow_redirects": False}

    def post(password: str) -> int:
        data = {"username": "fay", "password": password, "csrfmiddlewaretoken": csrf}
        return requests.post(url, data=data, **session).status_code

    statuses: list[int] = []
    for _ in range(limit + 1):  # bursts of simultaneous guesses, each burst after the last has been answered
        start = threading.Barrier(10)

        def guess(start: threading.Barrier = start) -> None:
            start.wait()
            statuses.append(post("wrong"))

        threads = [threading.Thread(target=guess) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert len(statuses) == 10 * (limit + 1)
    assert set(statuses) <= {200, 429}
    assert CountingHasher.checked == limit
    assert statuses.count(200) == limit - 1  # the failure that reaches the limit already answers 429
    assert post(RIGHT) == 429
