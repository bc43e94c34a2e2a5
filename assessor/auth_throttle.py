"""Sign-in throttling around django-axes: the client's address behind proxies, one password check at a time
per account and address, and the page shown while sign-in is paused."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

# Longest a password check may hold its account-and-address slot, should a process die in the middle.
SLOT_SECONDS = 30


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost of them saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the entry that many
    places from the right was written by a trusted proxy; anything further left came from the client and
    could be forged. django-ipware counts proxies differently (a header holding only the client's address
    is refused when one proxy is configured), hence this small reading of the header.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request (forms); the test client's and the
    shell's `authenticate()` calls have no address to count by and are left alone."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def sign_in_paused(request: HttpRequest, *args: Any) -> HttpResponse:
    """The 429 page while an account's sign-in from this address is paused (django-axes' lockout response)."""
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
    return render(request, "registration/login_throttled.html", {"minutes": minutes, "busy": False}, status=429)


def _sign_in_paths() -> set[str]:
    return {settings.LOGIN_URL, reverse("admin:login")}


def _slot_key(request: HttpRequest) -> str:
    username = str(request.POST.get("username", ""))[:150]
    digest = hashlib.sha256(f"{client_address(request)}|{username}".encode()).hexdigest()
    return f"sign-in-slot:{digest}"


class SignInOneAtATimeMiddleware:
    """One password check at a time per account and address.

    django-axes checks the failure count before a password is tried and counts the failure after, so
    guesses sent at the same moment would all be checked against a count of zero. Holding a slot in the
    cache (an atomic add) while a sign-in runs makes each guess see the previous one's failure; a guess
    sent while another is running is refused without trying its password.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path not in _sign_in_paths():
            return self.get_response(request)
        key = _slot_key(request)
        if not cache.add(key, 1, timeout=SLOT_SECONDS):
            context = {"minutes": 1, "busy": True}
            return render(request, "registration/login_throttled.html", context, status=429)
        try:
            return self.get_response(request)
        finally:
            cache.delete(key)
