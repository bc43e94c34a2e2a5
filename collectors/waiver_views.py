"""The team page's waiver forms: waive a rule, revoke a waiver (team leads and admins of the organization)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessor.access import can_manage_team, can_view_team
from assessor.models import Repository, Team
from collectors.forms import waiver_form
from collectors.models import Waiver
from collectors.waivers import WaiverInvalid, waiver_create, waiver_revoke


def _team_for_change(request: HttpRequest, team_id: int) -> Team:
    team = get_object_or_404(Team.objects.select_related("organization"), pk=team_id)
    if not can_view_team(request.user, team):
        raise PermissionDenied("You cannot see this team.")
    if not can_manage_team(request.user, team):
        raise PermissionDenied(f"Only {team.name}'s team leads and the organization's admins may change its waivers.")
    return team


def _back(team: Team) -> str:
    return reverse("reports:team", args=[team.pk]) + "#waivers"


def _refused(request: HttpRequest, team: Team, errors: dict[str, list[str]]) -> HttpResponse:
    context = {"team": team, "errors": errors, "back_url": _back(team)}
    return render(request, "collectors/waiver_refused.html", context, status=400)


@login_required
@require_POST
def waiver_add(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _team_for_change(request, team_id)
    form = waiver_form(team, request.POST)
    if not form.is_valid():
        return _refused(request, team, {field: list(errors) for field, errors in form.errors.items()})
    data = form.cleaned_data
    expires_at = datetime.combine(data["expires_on"], time.min, tzinfo=UTC) if data["expires_on"] else None
    repository = Repository.objects.filter(team=team, pk=data["repository"]).first() if data["repository"] else None
    try:
        waiver = waiver_create(
            team=team,
            rule_key=data["rule_key"],
            reason=data["reason"],
            expires_at=expires_at,
            repository=repository,
            by=request.user,
            via="page",
        )
    except WaiverInvalid as error:
        return _refused(request, team, {error.field: [error.message]})
    messages.success(request, f"{waiver.rule_key} is waived; the scores are being recomputed.")
    return redirect(_back(team))


@login_required
@require_POST
def waiver_end(request: HttpRequest, waiver_id: int) -> HttpResponse:
    waiver = get_object_or_404(Waiver.objects.select_related("team"), pk=waiver_id)
    team = _team_for_change(request, waiver.team_id)
    waiver_revoke(waiver=waiver, by=request.user, via="page")
    messages.success(request, f"The waiver of {waiver.rule_key} is revoked; the rule counts again.")
    return redirect(_back(team))
