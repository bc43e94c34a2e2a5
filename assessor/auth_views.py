"""The password-reset form with a limit on e-mails per address and per e-mail address (django-ratelimit).

Sign-in itself is throttled by django-axes and `assessor.auth_throttle`, for every view that authenticates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from assessor.auth_throttle import client_address


def _by_address(group: str, request: HttpRequest) -> str:
    return client_address(request)


def _by_email(group: str, request: HttpRequest) -> str:
    return str(request.POST.get("email", "")).strip().lower()[:254]


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rate = f"{settings.PASSWORD_RESET_MAX_PER_HOUR}/h"
        # Both counters move on every request (atomic increments in the cache), so neither can be dodged
        # by spreading requests over the other.
        limited = [
            is_ratelimited(request, group=f"password-reset:{name}", key=key, rate=rate, method="POST", increment=True)
            for name, key in (("address", _by_address), ("email", _by_email))
        ]
        if any(limited):
            return render(request, "registration/password_reset_throttled.html", status=429)
        return super().post(request, *args, **kwargs)
