"""The release page of a wave (admins): its releases, a preview of the next one with its scrubbed free text,
publishing it, downloading stored releases, and reopening the wave for late answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from assessor.access import is_org_admin
from reports import conf
from reports.api.exports import release_response
from reports.export.releases import (
    ReleaseRefused,
    release_draft,
    release_for_download,
    release_publish,
    releases_of,
)
from reports.views.common import PageError, dashboard_context, handle_errors
from surveys.models import Wave
from surveys.services.waves import WaveStateRefused, wave_reopen

DOWNLOADS = ("json", "csv")
REOPEN_DAYS = 7  # what the reopen form suggests


def _wave(request: HttpRequest, wave_id: int) -> tuple[Wave, object]:
    wave = Wave.objects.select_related("organization", "instrument").filter(pk=wave_id).first()
    if wave is None:
        raise PageError(404, "Not found", "There is no such survey wave.")
    context = dashboard_context(request, wave.organization)
    if not is_org_admin(request.user, wave.organization):
        raise PageError(403, "Admins only", f"Only admins of {wave.organization.name} publish the wave's releases.")
    return wave, context


def _download(request: HttpRequest, wave: Wave) -> HttpResponse:
    file_format, number = request.GET.get("download", ""), request.GET.get("number", "")
    if file_format not in DOWNLOADS:
        raise PageError(400, "Bad request", "Download a release as json or csv.")
    if not number.isdigit() or len(number) > 9:
        raise PageError(400, "Bad request", "The release number in the address must be a whole number.")
    release = release_for_download(wave, int(number))
    if release is None:
        raise PageError(404, "Not found", f"{wave.name} has no release {number}.")
    return release_response(release, file_format)


def _page(request: HttpRequest, wave: Wave, context: object, *, error: str = "", status: int = 200) -> HttpResponse:
    now = timezone.now()
    closed = wave.has_closed(now)
    draft = release_draft(wave=wave, now=now, k=conf.export_min_group(), release_text=True) if closed else None
    releases = releases_of(wave)
    return render(
        request,
        "reports/release.html",
        {
            "organization": wave.organization,
            "context": context,
            "tab": "release",
            "wave": wave,
            "state": wave.state(now),
            "releases": releases,
            "current": next((r for r in reversed(releases) if not r.superseded), None),
            "draft": draft,
            "free_text": (draft.built.document["free_text"] or []) if draft else [],
            "scrubbed": draft.built.scrubbed.as_dict() if draft and draft.built.scrubbed else None,
            "error": error,
            "reopen_until": timezone.localtime(now + timedelta(days=REOPEN_DAYS)).strftime("%Y-%m-%dT%H:%M"),
        },
        status=status,
    )


def _closes_at(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value.strip()) if len(value) <= 40 else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def wave_release(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave, context = _wave(request, wave_id)
    if request.method == "GET":
        if "download" in request.GET:
            return _download(request, wave)
        return _page(request, wave, context)
    action = request.POST.get("action", "")
    if action == "publish":
        try:
            release, created = release_publish(
                wave=wave,
                now=timezone.now(),
                k=conf.export_min_group(),
                release_text=request.POST.get("release_text") == "on",
                user=request.user,
            )
        except ReleaseRefused as exc:
            return _page(request, wave, context, error=str(exc), status=409)
        if created:
            messages.success(request, f"Release {release.number} of {wave.name} is published.")
        else:
            messages.info(request, f"Release {release.number} already holds these answers and choices; nothing changed.")
        return redirect("reports:wave_release", wave_id=wave.pk)
    if action == "reopen":
        closes_at = _closes_at(request.POST.get("closes_at", ""))
        if closes_at is None:
            return _page(request, wave, context, error="Give the date and time the reopened wave closes.", status=400)
        try:
            wave_reopen(wave=wave, now=timezone.now(), closes_at=closes_at)
        except WaveStateRefused as exc:
            return _page(request, wave, context, error=str(exc), status=409)
        messages.success(request, f"{wave.name} is open again until {closes_at:%d %B %Y %H:%M}; its releases are superseded.")
        return redirect("reports:wave_release", wave_id=wave.pk)
    return _page(request, wave, context, error="Choose publish or reopen.", status=400)
