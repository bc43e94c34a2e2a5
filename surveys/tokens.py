"""Invitation tokens: unguessable, derived on demand, stored only as a hash.

Design. Each invitation row keeps a random nonce (`secrets`, 144 bits). Its token is
HMAC-SHA256(SURVEYS_TOKEN_SECRET or SECRET_KEY, "invitation:" + nonce), base64url without padding
(43 characters). The row stores only SHA-256(token), and a link is found by hashing what was
presented and looking that hash up, so comparing secrets never happens in Python.

- A copy of the database alone does not reveal working links: the nonce is useless without the key.
- Staff pages can still show each invitation's link again, by re-deriving it from nonce and key.
- "Regenerate" draws a new nonce, which changes the token and kills the old link at once.
- Rotating the key invalidates every outstanding link (they can then be regenerated).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from surveys import conf

TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"  # noqa: S105 - a pattern, not a secret
_TOKEN_RE = re.compile(rf"^{TOKEN_PATTERN}$")


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def derive_token(nonce: str, *, secret: str | None = None) -> str:
    key = (secret if secret is not None else conf.token_secret()).encode()
    digest = hmac.new(key, f"invitation:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(token: str) -> bool:
    return bool(_TOKEN_RE.match(token))
