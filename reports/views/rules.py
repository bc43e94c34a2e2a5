"""The rules view (admins of the organization): which teams each evidence rule fired for, and its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessor.access import is_org_admin
from reports.dashboards.rules import rules_data
from reports.frames.rules import OUTCOMES
from reports.views.common import PageError, csv_download, dashboard_context, handle_errors, rendered_blocks


@login_required
@handle_errors
def rules(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request)
    organization = context.scope.organization
    if not is_org_admin(request.user, organization):
        raise PageError(403, "For admins", f"The rules view covers every team of {organization.name}: only its admins see it.")
    outcome = request.GET.get("outcome", "")
    if outcome and outcome not in OUTCOMES:
        raise PageError(400, "Bad request", f"The outcome must be one of {', '.join(OUTCOMES)}.")
    data = rules_data(context.scope, outcome=outcome or None)
    download = csv_download(request, data.blocks, f"{organization.slug}-rules")
    if download is not None:
        return download
    return render(
        request,
        "reports/rules.html",
        {
            "tab": "rules",
            "context": context,
            "organization": organization,
            "data": data,
            "outcome": outcome,
            "outcomes": OUTCOMES,
            "blocks": rendered_blocks(request, data.blocks),
        },
    )
