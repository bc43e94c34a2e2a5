"""A local OpenID Connect provider on a real loopback HTTP server (pytest-httpserver), answering as the spec
says a provider does: a discovery document, a JWKS with the public half of an RSA key made at test time, an
authorization endpoint that signs the configured person in at once and sends the browser back with a code,
a token endpoint (client_secret_basic, one use per code, the same redirect_uri, PKCE S256) returning an
id_token signed RS256, and a userinfo endpoint behind the access token.

Knobs for the refusal tests: `person` (the claims of who signs in), `nonce` (sent instead of the one asked
for), `issuer_in_token`, `audience`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug import Request, Response

CLIENT_ID = "assessor-test"
CLIENT_SECRET = "assessor-test-secret"
KEY_ID = "test-key-1"


def _person() -> dict[str, Any]:
    return {
        "sub": "248289761001",
        "email": "ada.lovelace@northwind.example",
        "email_verified": True,
        "name": "Ada Lovelace",
        "given_name": "Ada",
        "family_name": "Lovelace",
    }


@dataclass
class FakeIdentityProvider:
    redirect_uris: set[str] = field(default_factory=set)
    person: dict[str, Any] = field(default_factory=_person)
    nonce: str | None = None
    issuer_in_token: str | None = None
    audience: str | None = None
    issuer: str = ""
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def install(self, httpserver: Any) -> str:
        self.issuer = httpserver.url_for("/idp").rstrip("/")
        httpserver.expect_request(re.compile(r"^/idp/.*")).respond_with_handler(self.handle)
        return self.issuer

    def handle(self, request: Request) -> Response:
        self.requests.append(f"{request.method} {request.path}")
        route = request.path.removeprefix("/idp")
        if route == "/.well-known/openid-configuration":
            return self._json(200, self.discovery())
        if route == "/jwks":
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return self._json(200, {"keys": [{**public, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]})
        if route == "/authorize" and request.method == "GET":
            return self._authorize(request)
        if route == "/token" and request.method == "POST":
            return self._token(request)
        if route == "/userinfo":
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.access_tokens:
                return Response(status=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return self._json(200, self.access_tokens[token])
        return self._json(404, {"error": "not_found"})

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", "given_name", "family_name"],
        }

    def _json(self, status: int, data: Any) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json", headers={"Cache-Control": "no-store"})

    def _authorize(self, request: Request) -> Response:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if args.get("client_id") != CLIENT_ID or redirect_uri not in self.redirect_uris:
            # The spec: never redirect to an unregistered URI; say so on the provider's own page.
            return Response("Unknown client or redirect_uri", status=400, content_type="text/plain")
        if args.get("response_type") != "code" or "openid" not in args.get("scope", "").split():
            refused = urlencode({"error": "invalid_request", "state": args.get("state", "")})
            return Response(status=302, headers={"Location": f"{redirect_uri}?{refused}"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": args.get("nonce"),
            "challenge": args.get("code_challenge"),
            "person": dict(self.person),
        }
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{redirect_uri}?{query}"})

    def _token(self, request: Request) -> Response:
        basic = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if basic != expected:
            return self._json(401, {"error": "invalid_client"})
        form = request.form
        grant = self.codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._json(400, {"error": "invalid_grant"})
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri differs"})
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if grant["challenge"] and challenge != grant["challenge"]:
            return self._json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
        now = int(time.time())
        person = grant["person"]
        claims = {
            "iss": self.issuer_in_token or self.issuer,
            "sub": person["sub"],
            "aud": self.audience or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce if self.nonce is not None else grant["nonce"],
            "email": person.get("email"),
            "email_verified": person.get("email_verified"),
        }
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = person
        return self._json(200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token})
