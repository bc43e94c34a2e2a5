"""The practices page: which delivery practices the application teams use, and what goes with them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reports.dashboards.cache import cached_page
from reports.dashboards.practices import practices_data
from reports.views.common import (
    csv_download,
    dashboard_context,
    handle_errors,
    int_param,
    rendered_blocks,
    rubric_choices,
    rubric_param,
)


@login_required
@handle_errors
def practices(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request)
    rubric = rubric_param(request)
    wave_id, now = int_param(request, "wave"), timezone.now()
    data = cached_page(
        "practices",
        context.scope,
        (wave_id, rubric),
        now=now,
        build=lambda: practices_data(context.scope, wave_id=wave_id, now=now, rubric_version=rubric),
    )
    download = csv_download(request, data.blocks, f"{context.scope.organization.slug}-practices")
    if download is not None:
        return download
    return render(
        request,
        "reports/practices.html",
        {
            "tab": "practices",
            "context": context,
            "organization": context.scope.organization,
            "data": data,
            "blocks": rendered_blocks(request, data.blocks),
            "wave_choices": data.waves[["wave_id", "wave"]].to_dict("records"),
            "rubric": rubric_choices(rubric),
        },
    )
