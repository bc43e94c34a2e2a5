"""Per-wave exports: one self-contained HTML report (plotly.js and styles inlined) and the wave's scores as CSV.

Both cover every team of the wave, so they are pages for the organization's admins; a team's members have
their own team page and its downloads."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from assessor.access import is_org_admin, organizations_for
from reports.dashboards.export import SCORE_COLUMNS, wave_report, wave_scores
from reports.tables import csv_text
from reports.views.common import PageError, dashboard_context, handle_errors, rendered_blocks
from reports.vocabulary import vocabulary
from surveys.models import Wave


@cache
def _static_text(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"Static file {path} is missing; run `manage.py collectstatic` or check STATICFILES_DIRS.")
    return Path(found).read_text(encoding="utf-8").replace("</script", "<\\/script").replace("</style", "<\\/style")


def _inline_scripts(*paths: str) -> SafeString:
    """The export is a file people open from disk or mail around, so its scripts travel inside it.

    Pages the service serves never carry inline scripts (their Content-Security-Policy forbids them); this
    download is not such a page, and its `<script>` elements are written here rather than in a template.
    """
    return mark_safe("".join(f"<script>{_static_text(path)}</script>" for path in paths))  # noqa: S308 - our own and plotly's files


def _wave_for_admin(request: HttpRequest, wave_id: int) -> Wave:
    """The wave, for an admin of its organization. A wave of an organization the reader does not belong to
    is not found, like one that does not exist; a member of the organization is told why not and where to go."""
    visible = Wave.objects.select_related("organization").filter(organization__in=organizations_for(request.user))
    wave = visible.filter(pk=wave_id).first()
    if wave is None:
        raise PageError(404, "Not found", "There is no such survey wave.")
    if not is_org_admin(request.user, wave.organization):
        raise PageError(
            403,
            "For the organization's admins",
            f"The report and scores of {wave.name} cover every team of the wave, so only admins of "
            f"{wave.organization.name} download them. Your team's own results, with their downloads, are on your "
            "team's page of the dashboard.",
        )
    return wave


@login_required
@handle_errors
def wave_html(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave_for_admin(request, wave_id)
    context = dashboard_context(request, wave.organization)
    now = timezone.now()
    report = wave_report(context.scope, wave.pk, now=now)
    words = vocabulary()
    html = render_to_string(
        "reports/export.html",
        {
            "organization": wave.organization,
            "wave": wave,
            "report": report,
            "blocks": rendered_blocks(request, report.blocks),
            "aspects": words.aspects,
            "levels": words.levels,
            "generated_at": now,
            "org_wide": context.scope.org_wide,
            "styles": mark_safe(_static_text("assessor/app.css") + _static_text("reports/reports.css")),  # noqa: S308 - our own files
            "inline_scripts": _inline_scripts("plotly/plotly.min.js", "reports/charts.js"),
        },
        request=request,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave)}.html"'
    return response


@login_required
@handle_errors
def wave_csv(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave_for_admin(request, wave_id)
    context = dashboard_context(request, wave.organization)
    response = HttpResponse(csv_text(wave_scores(context.scope, wave.pk), SCORE_COLUMNS), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(wave)}-scores.csv"'
    return response


def _filename(wave: Wave) -> str:
    return f"{wave.organization.slug}-{slugify(wave.name) or wave.pk}"
