"""The password-reset form sends a limited number of e-mails per hour, per address and per e-mail address."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def gil(settings):
    settings.PASSWORD_RESET_MAX_PER_HOUR = 3
    return User.objects.create_user("gil", email="gil@example.com", password="right-password-123")


def reset(client, email, address="192.0.2.10"):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_ten_requests_send_at_most_the_limit(client, gil):
    statuses = [reset(client, "gil@example.com").status_code for _ in range(10)]
    assert len(mail.outbox) == 3
    assert statuses == [302] * 3 + [429] * 7
    assert b"Too many password reset requests" in reset(client, "gil@example.com").content


def test_changing_address_does_not_send_more_mail_to_one_person(client, gil):
    for number in range(10):
        reset(client, "GIL@example.com " if number % 2 else "gil@example.com", address=f"198.51.100.{number + 1}")
    assert len(mail.outbox) == 3


def test_changing_the_e_mail_address_does_not_lift_the_limit_for_an_address(client, gil):
    for number in range(10):
        reset(client, f"someone-{number}@example.com")
    assert reset(client, "gil@example.com").status_code == 429
    assert len(mail.outbox) == 0


def test_other_people_can_still_reset(client, gil):
    User.objects.create_user("hal", email="hal@example.com", password="right-password-123")
    for _ in range(5):
        reset(client, "gil@example.com")
    assert reset(client, "hal@example.com", address="203.0.113.5").status_code == 302
    assert [message.to for message in mail.outbox][-1] == ["hal@example.com"]
