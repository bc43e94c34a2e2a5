"""Single sign-on through an OpenID Connect provider, on mozilla-django-oidc: the provider found by discovery
from its issuer URL, people matched by verified e-mail, and every refusal explained on a page of its own.

mozilla-django-oidc does the code flow (state, nonce, PKCE, the token request, the id_token's signature
against the provider's JWKS). What it leaves to the site is added here: discovery, checking the token's
issuer and audience, the `email_verified` claim, the allowed e-mail domains, and telling people why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_CACHE_SECONDS = 3600
REFUSAL_KEY = "sso_refusal"
logger = logging.getLogger(__name__)


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be read, or does not describe this issuer."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def provider() -> Provider:
    """The provider's endpoints from its discovery document, cached for an hour."""
    issuer = settings.OIDC_ISSUER
    key = f"oidc-discovery:{issuer}"
    found = cache.get(key)
    if isinstance(found, Provider):
        return found
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"The sign-in provider could not be reached ({exc.__class__.__name__}).") from exc
    if response.status_code != 200:
        raise ProviderUnavailable(f"The sign-in provider answered HTTP {response.status_code} for {url}.")
    try:
        document = response.json()
    except ValueError as exc:
        raise ProviderUnavailable(f"{url} is not a JSON discovery document.") from exc
    # The issuer as the provider writes it (some end it with "/") is what its tokens carry.
    if not isinstance(document, dict) or str(document.get("issuer") or "").rstrip("/") != issuer.rstrip("/"):
        raise ProviderUnavailable(f"{url} does not describe the issuer {issuer}.")
    endpoints = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(document.get(name), str) and document[name] for name in endpoints):
        raise ProviderUnavailable(f"{url} names no authorization, token or JWKS endpoint.")
    found = Provider(
        issuer=str(document["issuer"]),
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
    )
    cache.set(key, found, DISCOVERY_CACHE_SECONDS)
    return found


class SignOnRefused(SuspiciousOperation):
    """A sign-in the provider vouched for but this service does not accept; the message is for the person."""


def _refuse(request: HttpRequest, message: str) -> SignOnRefused:
    request.session[REFUSAL_KEY] = message
    return SignOnRefused(message)


def _verified(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


class SignOnBackend(OIDCAuthenticationBackend):
    """Signs in the person whose verified e-mail the provider vouches for; only from the sign-on callback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every sign-in, password ones too: no settings read or request here.
        self.UserModel = get_user_model()
        self.id_claims: dict[str, Any] = {}

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> AbstractBaseUser | None:
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None  # a password sign-in, or sign-on switched off
        try:
            found = provider()
        except ProviderUnavailable as exc:
            request.session[REFUSAL_KEY] = str(exc)
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = found.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = found.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.issuer = found.issuer
        try:
            user: AbstractBaseUser | None = super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            logger.warning("Single sign-on refused: %s", exc)
            request.session.setdefault(REFUSAL_KEY, "The sign-in provider's answer did not check out; please start again.")
            return None
        except jwt.PyJWTError as exc:
            logger.warning("Single sign-on refused: %s", exc)
            request.session[REFUSAL_KEY] = "The sign-in provider's token is not valid (expired or malformed); start again."
            return None
        except requests.RequestException as exc:
            logger.warning("Single sign-on failed talking to the provider: %s", exc)
            request.session[REFUSAL_KEY] = "The sign-in provider did not complete the sign-in; please try again."
            return None
        return user

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        # The library's version returns switched-off accounts too; Django's keeps them signed out.
        return ModelBackend.get_user(self, user_id)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and nonce; the token must also come from this issuer, for this client."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
        if payload.get("iss") != self.issuer or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The id_token was not issued by this provider for this service.")
        if "exp" not in payload:
            raise SuspiciousOperation("The id_token has no expiry.")
        self.id_claims = payload
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The id_token's claims, completed by the userinfo endpoint when the provider has one."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo answer is about someone else than the id_token.")
            claims.update(userinfo)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise _refuse(self.request, "The sign-in provider did not give an e-mail address, so you cannot be matched.")
        if not _verified(claims.get("email_verified")):
            raise _refuse(self.request, f"The sign-in provider has not verified {email}, so it cannot be used to sign in.")
        domain = email.rsplit("@", 1)[1].lower()
        allowed = [name.lower().lstrip("@") for name in settings.OIDC_ALLOWED_EMAIL_DOMAINS]
        if allowed and domain not in allowed:
            raise _refuse(self.request, f"E-mail addresses at {domain} may not sign in here.")
        return True

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> AbstractBaseUser | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        email = str(claims["email"])
        users = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if len(users) > 1:
            raise _refuse(self.request, f"More than one account here has the e-mail {email}; ask an admin to merge them.")
        if users:
            return self.update_user(users[0], claims)
        if not settings.OIDC_CREATE_USER:
            raise _refuse(self.request, f"No account here has the e-mail {email}; ask an admin to add you.")
        return self.create_user(claims)

    def create_user(self, claims: dict[str, Any]) -> AbstractBaseUser:
        email = str(claims["email"])
        username = email.lower()[:150]
        if self.UserModel.objects.filter(username=username).exists():
            username = self.get_username(claims)
        user = self.UserModel(username=username, email=email, **_names(claims))
        user.set_unusable_password()
        user.save()
        return user

    def update_user(self, user: AbstractBaseUser, claims: dict[str, Any]) -> AbstractBaseUser:
        if not user.is_active:
            raise _refuse(self.request, "This account is switched off; ask an admin.")
        missing = {name: value for name, value in _names(claims).items() if value and not getattr(user, name, "")}
        if missing:
            for name, value in missing.items():
                setattr(user, name, value)
            user.save(update_fields=list(missing))
        return user


def _names(claims: dict[str, Any]) -> dict[str, str]:
    return {
        "first_name": str(claims.get("given_name") or "")[:150],
        "last_name": str(claims.get("family_name") or "")[:150],
    }


def _unavailable(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "registration/sso_refused.html", {"message": message}, status=503)


class SignOnStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint, found by discovery."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            found = provider()
        except ProviderUnavailable as exc:
            return _unavailable(request, str(exc))
        self.OIDC_OP_AUTH_ENDPOINT = found.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response


class SignOnCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back; a state this browser did not start is refused with a 400."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        if request.GET.get("error"):
            described = str(request.GET.get("error_description") or request.GET["error"])[:200]
            request.session[REFUSAL_KEY] = f"The sign-in provider stopped the sign-in: {described}"
        elif "code" in request.GET and "state" not in request.GET:
            request.session[REFUSAL_KEY] = "The sign-in provider's answer had no state; please start again."
        elif "state" in request.GET and request.GET["state"] not in request.session.get("oidc_states", {}):
            message = "This sign-in was not started in this browser, or was already used; please start again."
            return render(request, "registration/sso_refused.html", {"message": message}, status=400)
        response: HttpResponse = super().get(request)
        return response


def sso_refused(request: HttpRequest) -> HttpResponse:
    """Why the last single sign-on did not sign the person in (once; a reload shows the general message)."""
    message = request.session.pop(REFUSAL_KEY, "") or "Single sign-on did not complete; please try again."
    return render(request, "registration/sso_refused.html", {"message": message}, status=403)
