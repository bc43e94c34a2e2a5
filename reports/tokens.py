"""Signed unsubscribe tokens: who, which organization, which kind of email. They never expire, on purpose."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

SALT = "reports.unsubscribe"


@dataclass(frozen=True)
class UnsubscribeRequest:
    user_id: int
    organization_id: int
    kind: str


def unsubscribe_token(*, user_id: int, organization_id: int, kind: str) -> str:
    return signing.dumps([user_id, organization_id, kind], salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> UnsubscribeRequest | None:
    """The request a token stands for, or None when it was not signed by this service or is malformed."""
    if not isinstance(token, str) or len(token) > 300:
        return None
    try:
        user_id, organization_id, kind = signing.loads(token, salt=SALT)
        return UnsubscribeRequest(user_id=int(user_id), organization_id=int(organization_id), kind=str(kind))
    except (signing.BadSignature, ValueError, TypeError):
        return None
