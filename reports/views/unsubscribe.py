"""The page an email's unsubscribe link opens; also answers one-click unsubscribe (RFC 8058) from mail apps."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from assessor.models import Organization
from reports import conf
from reports.models import EmailKind, Subscription
from reports.services import UNSUBSCRIBE_ACTIONS, subscription_update
from reports.tokens import read_unsubscribe_token


# The signed token in the address is what authorizes the change, not a session, so there is no CSRF to guard.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    wanted = read_unsubscribe_token(token)
    organization = Organization.objects.filter(pk=wanted.organization_id).first() if wanted else None
    if wanted is None or organization is None or wanted.kind not in EmailKind.values:
        return render(request, "reports/unsubscribe.html", {"invalid": True}, status=404)
    done = ""
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        action = "unsubscribe" if one_click else request.POST.get("action", "")
        if action not in UNSUBSCRIBE_ACTIONS:
            return render(request, "reports/unsubscribe.html", {"invalid": True}, status=400)
        subscription_update(request=wanted, action=action, now=timezone.now())
        done = action
    subscription = Subscription.objects.filter(user_id=wanted.user_id, organization=organization, kind=wanted.kind).first()
    return render(
        request,
        "reports/unsubscribe.html",
        {
            "organization": organization,
            "kind": EmailKind(wanted.kind),
            "is_digest": wanted.kind == EmailKind.DIGEST,
            "subscribed": subscription is None or subscription.unsubscribed_at is None,
            "frequency": (subscription.frequency if subscription else "") or conf.digest_default_frequency(),
            "done": done,
        },
    )
