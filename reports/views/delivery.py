"""The delivery page: the four DORA metrics per team, with their basis, band and history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reports.dashboards.cache import cached_page
from reports.dashboards.delivery import delivery_data
from reports.views.common import csv_download, dashboard_context, handle_errors, int_param, option_tags, rendered_blocks


@login_required
@handle_errors
def delivery(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request)
    team_id = int_param(request, "team")
    data = cached_page(
        "delivery", context.scope, (team_id,), now=timezone.now(), build=lambda: delivery_data(context.scope, team_id=team_id)
    )
    download = csv_download(request, data.blocks, f"{context.scope.organization.slug}-delivery")
    if download is not None:
        return download
    blocks = rendered_blocks(request, data.blocks)
    return render(
        request,
        "reports/delivery.html",
        {
            "tab": "delivery",
            "context": context,
            "organization": context.scope.organization,
            "data": data,
            "per_team": data.per_team(),
            "team_options": option_tags(
                ((team["team_id"], team["team"]) for team in data.teams), data.team["team_id"] if data.team else ""
            ),
            "metrics_block": blocks["metrics"],
            "history_blocks": [block for key, block in blocks.items() if key != "metrics"],
        },
    )
