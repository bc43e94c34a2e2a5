"""Fixtures of the core's tests: the fake OpenID Connect provider, with the service's settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.assessor.fake_oidc import CLIENT_ID, CLIENT_SECRET, FakeIdentityProvider


@pytest.fixture
def fake_idp(httpserver: Any, settings: Any) -> Iterator[FakeIdentityProvider]:
    fake = FakeIdentityProvider(redirect_uris={"http://testserver/accounts/sso/callback/"})
    settings.OIDC_ISSUER = fake.install(httpserver)
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["northwind.example"]
    settings.OIDC_PROVIDER_NAME = "Northwind ID"
    cache.delete(f"oidc-discovery:{settings.OIDC_ISSUER}")
    yield fake
    cache.delete(f"oidc-discovery:{settings.OIDC_ISSUER}")
