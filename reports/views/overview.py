"""The organization overview page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from assessor.access import is_org_admin
from assessor.models import Team
from reports.dashboards.cache import cached_page
from reports.dashboards.overview import OverviewFilters, overview_data
from reports.frames.heatmap import MARKS
from reports.views.common import (
    PageError,
    csv_download,
    dashboard_context,
    handle_errors,
    int_param,
    new_wave_url,
    option_tags,
    query,
    rendered_blocks,
    rubric_choices,
    rubric_param,
)
from reports.vocabulary import vocabulary


@login_required
@handle_errors
def overview(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request)
    kind = request.GET.get("kind", "")
    if kind and kind not in Team.Kind.values:
        raise PageError(400, "Bad request", "The team kind in the address is not one of application, platform or infrastructure.")
    filters = OverviewFilters(
        wave_id=int_param(request, "wave"), kind=kind, group_id=int_param(request, "group"), page=int_param(request, "page") or 1
    )
    rubric = rubric_param(request)
    now = timezone.now()
    data = cached_page(
        "overview",
        context.scope,
        (filters, rubric),
        now=now,
        build=lambda: overview_data(context.scope, filters, now=now, rubric_version=rubric),
    )
    download = csv_download(request, data.blocks, f"{context.scope.organization.slug}-overview")
    if download is not None:
        return download
    words = vocabulary()
    return render(
        request,
        "reports/overview.html",
        {
            "tab": "overview",
            "context": context,
            "organization": context.scope.organization,
            "data": data,
            "filters": filters,
            "wave_choices": data.waves[["wave_id", "wave"]].to_dict("records"),
            "blocks": rendered_blocks(request, data.blocks),
            "aspects": words.aspects,
            "levels": words.levels,
            "marks": MARKS,
            "kinds": [(value, label) for value, label in Team.Kind.choices if value in data.kinds],
            "group_options": option_tags(data.groups, "" if filters.group_id is None else filters.group_id),
            "previous_page": query(request, page=data.page - 1) if data.page > 1 else "",
            "next_page": query(request, page=data.page + 1) if data.page < data.pages else "",
            "clear_filters_url": query(request, kind=None, group=None, page=None) if filters.narrowing else "",
            "new_wave_url": new_wave_url(request, context.scope.organization),
            "waves_url": reverse("surveys:waves"),
            "wave_exports": is_org_admin(request.user, context.scope.organization),
            "rubric": rubric_choices(rubric),
        },
    )
