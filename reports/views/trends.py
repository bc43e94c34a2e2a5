"""The trend report page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString

from reports.dashboards.cache import cached_page
from reports.dashboards.trends import TrendFilters, trends_data
from reports.frames.trends import SCOPES
from reports.views.common import (
    PageError,
    csv_download,
    dashboard_context,
    handle_errors,
    int_param,
    option_tags,
    query,
    rendered_blocks,
    rubric_choices,
    rubric_param,
)


@login_required
@handle_errors
def trends(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request)
    rubric = rubric_param(request)
    filters = TrendFilters(
        **_chosen_scope(request),
        benchmark=request.GET.get("benchmark") == "1",
        community=request.GET.get("community") == "1",
        rubric=rubric,
    )
    data = cached_page("trends", context.scope, (filters,), now=timezone.now(), build=lambda: trends_data(context.scope, filters))
    download = csv_download(request, data.blocks, f"{context.scope.organization.slug}-trends")
    if download is not None:
        return download
    return render(
        request,
        "reports/trends.html",
        {
            "tab": "trends",
            "context": context,
            "organization": context.scope.organization,
            "data": data,
            "blocks": rendered_blocks(request, data.blocks),
            "scope_options": _options(data.scopes, (data.filters.scope, data.filters.key)),
            "benchmark_on": query(request, benchmark="1"),
            "benchmark_off": query(request, benchmark=None),
            "rubric": rubric_choices(rubric),
            "community_on": query(request, community="1"),
            "community_off": query(request, community=None),
        },
    )


def _options(scopes: list[tuple[str, int | None, str]], chosen: tuple[str, int | None]) -> SafeString:
    """The organization, group and team choices as <option>s (`option_tags`: an organization may have ten
    thousand teams)."""
    kind, key = chosen
    return option_tags(
        ((f"{k}:{'' if v is None else v}", label) for k, v, label in scopes), f"{kind}:{'' if key is None else key}"
    )


def _chosen_scope(request: HttpRequest) -> dict[str, Any]:
    """`?show=group:3` from the picker, or `?scope=group&key=3` from links; the organization by default."""
    show = request.GET.get("show", "")
    if show:
        name, _, key = show.partition(":")
        if not key.isdigit() and key != "":
            raise PageError(400, "Bad request", "Pick the organization, a group or a team from the list.")
        chosen = {"scope": name, "key": int(key) if key else None}
    else:
        chosen = {"scope": request.GET.get("scope", "organization"), "key": int_param(request, "key")}
    if chosen["scope"] not in SCOPES:
        raise PageError(400, "Bad request", "Show trends for the organization, a group or a team.")
    return chosen
