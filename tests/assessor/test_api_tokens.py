"""API tokens: stored hashed, several per person, named, expiring, revocable, with their last use recorded."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from assessor.auth_tokens import api_token_issue
from assessor.models import ApiToken
from assessor.models.api_token import api_key_digest

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/"


@pytest.fixture
def ivy():
    return User.objects.create_user("ivy", password="right-password-123")


def get_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(URL)


def test_the_database_holds_no_plain_key(ivy):
    _, key = api_token_issue(user=ivy, name="ci")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM assessor_apitoken")
        stored = cursor.fetchall()
    assert stored and not any(key in str(value) for row in stored for value in row)
    assert ApiToken.objects.get().key_hash == api_key_digest(key)


def test_a_key_signs_in_and_its_use_is_recorded(ivy):
    token, key = api_token_issue(user=ivy)
    assert token.last_used_at is None
    assert get_with(key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_an_expired_token_is_refused_with_a_message(ivy):
    _, key = api_token_issue(user=ivy, expires_at=timezone.now() - timedelta(seconds=1))
    response = get_with(key)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert "expired" in response.json()["error"]["message"]


def test_a_revoked_token_is_refused(ivy):
    token, key = api_token_issue(user=ivy)
    token.revoke(timezone.now())
    response = get_with(key)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_one_person_holds_several_tokens_and_revokes_each_alone(ivy):
    first, first_key = api_token_issue(user=ivy, name="laptop")
    _, second_key = api_token_issue(user=ivy, name="pipeline")
    assert get_with(first_key).status_code == get_with(second_key).status_code == 200
    first.revoke(timezone.now())
    assert get_with(first_key).status_code == 401
    assert get_with(second_key).status_code == 200
    assert sorted(ivy.api_tokens.values_list("name", flat=True)) == ["laptop", "pipeline"]


def test_the_command_prints_the_key_once_with_a_name_and_an_expiry(ivy):
    out, err = StringIO(), StringIO()
    call_command("drf_create_token", "ivy", "--name", "nightly export", "--expires-in-days", "30", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.key_hash == api_key_digest(key)
    assert token.name == "nightly export"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "cannot be shown again" in err.getvalue()
    assert get_with(key).status_code == 200


def test_the_command_with_reset_revokes_the_other_tokens(ivy):
    _, old_key = api_token_issue(user=ivy)
    out = StringIO()
    call_command("drf_create_token", "ivy", "-r", stdout=out, stderr=StringIO())
    assert get_with(old_key).status_code == 401
    assert get_with(out.getvalue().strip()).status_code == 200


def test_the_command_refuses_bad_input(ivy):
    with pytest.raises(CommandError, match="No user named"):
        call_command("drf_create_token", "nobody", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="1 or more"):
        call_command("drf_create_token", "ivy", "--expires-in-days", "0", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_the_admin_lists_tokens_without_their_key(client, ivy):
    _, key = api_token_issue(user=ivy, name="dashboard-sync", expires_at=timezone.now() + timedelta(days=3))
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    page = client.get("/admin/assessor/apitoken/").content.decode()
    for text in ("dashboard-sync", "ivy", "Created at", "Last used at", "Expires at"):
        assert text in page
    assert key not in page
    token = ApiToken.objects.get()
    change = client.get(f"/admin/assessor/apitoken/{token.pk}/change/").content.decode()
    assert key not in change and token.key_hash not in change
