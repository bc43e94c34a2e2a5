"""Plain keys of DRF's former token table are carried over as hashes, keep working, and are deleted."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from assessor.models import ApiToken
from assessor.models.api_token import api_key_digest

pytestmark = pytest.mark.django_db

migration = importlib.import_module("assessor.migrations.0007_api_tokens")
# The migration only reads the schema editor's connection; a real one cannot open inside a test's transaction.
EDITOR = SimpleNamespace(connection=connection)
PLAIN_KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def plain_token_table():
    user = User.objects.create_user("jo", password="right-password-123")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone NOT NULL,"
            " user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [PLAIN_KEY, "2024-05-01 10:00:00+00:00", user.pk])
    yield user
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE authtoken_token")


def test_plain_tokens_are_hashed_and_deleted(plain_token_table):
    migration.hash_plain_tokens(apps, EDITOR)
    token = ApiToken.objects.get()
    assert (token.user, token.key_hash, token.created_at.year) == (plain_token_table, api_key_digest(PLAIN_KEY), 2024)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {PLAIN_KEY}")
    assert client.get("/api/v1/orgs/").status_code == 200


def test_without_the_old_table_there_is_nothing_to_do():
    migration.hash_plain_tokens(apps, EDITOR)
    assert not ApiToken.objects.exists()
