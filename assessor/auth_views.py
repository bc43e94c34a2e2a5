"""Sign-in with a limit on failed attempts per account and address, so passwords cannot be guessed at speed."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _key(request: HttpRequest, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{address}|{username.strip().lower()}".encode()).hexdigest()
    return f"login-failures:{digest}"


class ThrottledLoginView(auth_views.LoginView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit = settings.LOGIN_MAX_FAILURES
        window = settings.LOGIN_FAILURE_WINDOW
        key = _key(request, str(request.POST.get("username", ""))[:150])
        if cache.get(key, 0) >= limit:
            minutes = max(1, window // 60)
            return render(request, "registration/login_throttled.html", {"minutes": minutes}, status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back with errors: a failed attempt
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=window)
        else:
            cache.delete(key)
        return response
