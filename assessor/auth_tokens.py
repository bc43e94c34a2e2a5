"""API tokens: issuing one (the key is returned once) and DRF authentication by `Authorization: Token <key>`
against the stored hash, refusing revoked and expired tokens with a message that says which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from assessor.models import ApiToken
from assessor.models.api_token import api_key_digest, api_key_new


def api_token_issue(*, user: AbstractBaseUser, name: str = "", expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for `user` and its key; only the key's hash is kept, so the key cannot be shown again."""
    key = api_key_new()
    token = ApiToken.objects.create(user=user, name=name, key_hash=api_key_digest(key), hint=key[:8], expires_at=expires_at)
    return token, key


class HashedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (same header, same 401s) over hashed, named, expiring tokens."""

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=api_key_digest(key)).first()
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        now = timezone.now()
        refusal = token.refusal(now)
        if refusal is not None:
            raise AuthenticationFailed(f"{refusal} Ask for a new one (manage.py drf_create_token USERNAME).")
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        token.mark_used(now)
        return token.user, token
