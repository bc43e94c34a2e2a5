"""The page that opens a new wave: instrument and organization preselected, teams by kind or group, dates with
a default, and the wave's invitation links created in the same step."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessor.access import organizations_administered
from assessor.models import Membership, Organization, Team
from surveys.forms import OpenWaveForm
from surveys.models import Instrument, Wave
from surveys.services import InvitationsRefused
from surveys.services.invitations import INVITED_MEMBERSHIP_ROLES
from surveys.services.waves import wave_create

DEFAULT_OPEN_DAYS = 21  # three weeks: long enough for holidays and two reminders


def default_name(organization: Organization, now: datetime) -> str:
    """The month and year, numbered when the organization already has a wave of that name."""
    base = timezone.localtime(now).strftime("%B %Y")
    taken = set(Wave.objects.filter(organization=organization, name__startswith=base).values_list("name", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"


def default_instrument(organization: Organization) -> Instrument | None:
    """The instrument of the organization's latest wave, so waves stay comparable; else the newest loaded."""
    latest = Wave.objects.filter(organization=organization).order_by("-opens_at", "-pk").select_related("instrument").first()
    if latest is not None:
        return latest.instrument
    return Instrument.objects.order_by("-loaded_at", "-pk").first()


def initial_values(organization: Organization, now: datetime) -> dict[str, Any]:
    opens = timezone.localtime(now).replace(second=0, microsecond=0)
    has_people = Membership.objects.filter(
        organization=organization, team__isnull=False, role__in=INVITED_MEMBERSHIP_ROLES
    ).exists()
    return {
        "organization": organization,
        "instrument": default_instrument(organization),
        "name": default_name(organization, now),
        "opens_at": opens,
        "closes_at": opens + timedelta(days=DEFAULT_OPEN_DAYS),
        "min_responses": 3,
        "kinds": list(Team.Kind.values),
        "invite": "people" if has_people else "slots",
        "per_role": 1,
    }


def _chosen_organization(request: HttpRequest, organizations: QuerySet[Organization]) -> Organization | None:
    """The organization the page is for: posted with the form, or `?org=<slug>`, else the admin's first."""
    chosen = None
    if request.method == "POST":
        posted = request.POST.get("organization", "")
        chosen = organizations.filter(pk=int(posted)).first() if posted.isdigit() and len(posted) < 12 else None
    elif slug := request.GET.get("org", ""):
        chosen = organizations.filter(slug=slug[:80]).first()
    return chosen or organizations.first()


def _page(request: HttpRequest, form: OpenWaveForm, organizations: Any, status: int = 200) -> HttpResponse:
    teams = list(form.fields["teams"].queryset.select_related("group"))
    context = {
        "form": form,
        "organization": form.organization,
        "organizations": organizations,
        "team_count": len(teams),
        "no_instrument": not form.fields["instrument"].queryset.exists(),
    }
    return render(request, "surveys/wave_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest) -> HttpResponse:
    organizations = organizations_administered(request.user).order_by("name")
    organization = _chosen_organization(request, organizations)
    if organization is None:
        return render(request, "surveys/forbidden.html", status=403)
    if request.method == "GET":
        form = OpenWaveForm(
            initial=initial_values(organization, timezone.now()), organizations=organizations, organization=organization
        )
        return _page(request, form, organizations)
    form = OpenWaveForm(request.POST, organizations=organizations, organization=organization)
    if not form.is_valid():
        return _page(request, form, organizations, status=400)
    data = form.cleaned_data
    try:
        wave, created = wave_create(
            organization=organization,
            instrument=data["instrument"],
            name=data["name"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            teams=form.chosen_teams(),
            anonymous=data["anonymous"],
            min_responses=data["min_responses"],
            invite=data["invite"],
            per_role=data["per_role"] or 1,
        )
    except InvitationsRefused as exc:
        form.add_error(None, str(exc))
        return _page(request, form, organizations, status=400)
    teams = wave.teams.count()
    messages.success(
        request,
        f"{wave.name} is set up for {teams} team{'s' if teams != 1 else ''} with "
        f"{len(created)} invitation link{'s' if len(created) != 1 else ''}.",
    )
    if data["invite"] == "people":
        return redirect(reverse("reports:wave_people", args=[wave.pk]))
    return redirect("surveys:wave_invitations", wave_id=wave.pk)
