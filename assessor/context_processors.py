"""The main navigation, one list for every page, showing what the signed-in person may open."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# (url name, label, who sees it: "all", "signed_in" or "staff")
NAVIGATION = (
    ("model", "Maturity model", "all"),
    ("reports:overview", "Dashboard", "signed_in"),
    ("reports:gaps", "Gaps", "signed_in"),
    ("reports:trends", "Trends", "signed_in"),
    ("surveys:waves", "Survey waves", "staff"),
    ("collectors:collect", "Evidence", "staff"),
)


def navigation(request: HttpRequest) -> dict[str, list[dict[str, object]]]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    staff = signed_in and bool(user.is_staff)
    current = request.path
    items: list[dict[str, object]] = []
    for name, label, audience in NAVIGATION:
        if (audience == "signed_in" and not signed_in) or (audience == "staff" and not staff):
            continue
        items.append({"url": reverse(name), "label": label, "current": False})
    # One item is current: the one whose address is the longest start of this page's (/dashboard/ holds /dashboard/gaps/).
    matches = [item for item in items if current == item["url"] or (item["url"] != "/" and current.startswith(str(item["url"])))]
    if matches:
        max(matches, key=lambda item: len(str(item["url"])))["current"] = True
    return {"nav_items": items}


def single_sign_on(request: HttpRequest) -> dict[str, object]:
    """Whether the sign-in page offers single sign-on, and under what name."""
    enabled = bool(settings.OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)
    return {"sso_enabled": enabled, "sso_provider_name": settings.OIDC_PROVIDER_NAME}
