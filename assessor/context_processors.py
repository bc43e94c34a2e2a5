"""The main navigation, one list for every page, showing what the signed-in person may open."""

from __future__ import annotations

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
    items = []
    for name, label, audience in NAVIGATION:
        if (audience == "signed_in" and not signed_in) or (audience == "staff" and not staff):
            continue
        url = reverse(name)
        active = current == url or (url != "/" and current.startswith(url) and name != "model")
        items.append({"url": url, "label": label, "current": active})
    return {"nav_items": items}
