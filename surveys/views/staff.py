"""Staff pages: every wave with its response rate, and each wave's invitation links per team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessor.access import is_org_admin, organizations_administered
from assessor.heartbeat import WORKER_COMMAND, worker_status
from surveys import selectors
from surveys.forms import CreateInvitationsForm
from surveys.models import Invitation, Wave
from surveys.services import InvitationsRefused, invitation_fresh, invitation_new_link, invitations_create


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/forbidden.html", status=403)


def _wave_for_admin(request: HttpRequest, wave_id: int) -> Wave | None:
    wave = get_object_or_404(Wave.objects.select_related("organization", "instrument"), pk=wave_id)
    return wave if is_org_admin(request.user, wave.organization) else None


@login_required
@require_GET
def wave_list(request: HttpRequest) -> HttpResponse:
    organizations = organizations_administered(request.user)
    if not organizations.exists():
        return _forbidden(request)
    now = timezone.now()
    waves = [
        {
            "wave": wave,
            "state": wave.state(now),
            "rate": selectors.response_rate(wave.link_submitted_count, wave.link_count),  # type: ignore[attr-defined]
        }
        for wave in selectors.waves_with_counts(organizations)
    ]
    context = {"waves": waves, "worker": worker_status(now), "worker_command": WORKER_COMMAND}
    return render(request, "surveys/waves.html", context)


@login_required
@require_GET
def wave_invitations(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave_for_admin(request, wave_id)
    if wave is None:
        return _forbidden(request)
    return _invitations_page(request, wave, CreateInvitationsForm(wave=wave))


def _invitations_page(request: HttpRequest, wave: Wave, form: CreateInvitationsForm, status: int = 200) -> HttpResponse:
    teams, totals = selectors.wave_invitations(wave)
    context = {
        "wave": wave,
        "state": wave.state(timezone.now()),
        "teams": teams,
        "totals": totals,
        "rate": selectors.response_rate(totals["submitted"], totals["live"]),
        "form": form,
        "link_base": request.build_absolute_uri("/")[:-1],
    }
    return render(request, "surveys/invitations.html", context, status=status)


@login_required
@require_POST
def invitations_new(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave_for_admin(request, wave_id)
    if wave is None:
        return _forbidden(request)
    form = CreateInvitationsForm(request.POST, wave=wave)
    if not form.is_valid():
        return _invitations_page(request, wave, form, status=400)
    try:
        created = invitations_create(
            wave=wave,
            per_role=form.cleaned_data["per_role"],
            roles=form.cleaned_data["roles"] or None,
            teams=list(form.cleaned_data["teams"]) or None,
            label=form.cleaned_data["label"],
        )
    except InvitationsRefused as exc:
        form.add_error(None, str(exc))
        return _invitations_page(request, wave, form, status=400)
    messages.success(request, f"Created {len(created)} invitation link{'s' if len(created) != 1 else ''}.")
    return redirect("surveys:wave_invitations", wave_id=wave.pk)


def _invitation_action(request: HttpRequest, wave_id: int, invitation_id: int, action: str) -> HttpResponse:
    wave = _wave_for_admin(request, wave_id)
    if wave is None:
        return _forbidden(request)
    invitation = get_object_or_404(Invitation.objects.select_related("team"), pk=invitation_id, wave=wave)
    who = f"{invitation.team} ({invitation.get_role_display()})"
    anchor = invitation.pk
    if action == "revoke":
        invitation.revoke(timezone.now())
        messages.success(request, f"The link for {who} no longer works.")
    elif action == "new_link":
        invitation_new_link(invitation=invitation)
        messages.success(
            request,
            f"A new link for the same person replaces the old one for {who}: the old link no longer works, "
            "and the answers given so far come back with the new one.",
        )
    else:
        try:
            fresh = invitation_fresh(invitation=invitation)
        except InvitationsRefused as exc:
            messages.error(request, str(exc))
        else:
            anchor = fresh.pk
            messages.success(
                request,
                f"A fresh invitation for {who}: its link starts with no answers. The previous answers stay "
                "with the withdrawn link, which no link reaches.",
            )
    return redirect(f"{reverse('surveys:wave_invitations', args=[wave.pk])}#invitation-{anchor}")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, wave_id: int, invitation_id: int) -> HttpResponse:
    return _invitation_action(request, wave_id, invitation_id, "revoke")


@login_required
@require_POST
def invitation_regenerate(request: HttpRequest, wave_id: int, invitation_id: int) -> HttpResponse:
    """New link for the same person: same response, answers kept, old token refused."""
    return _invitation_action(request, wave_id, invitation_id, "new_link")


@login_required
@require_POST
def invitation_fresh_link(request: HttpRequest, wave_id: int, invitation_id: int) -> HttpResponse:
    """Fresh invitation in place of a withdrawn one: new and empty, same team and role."""
    return _invitation_action(request, wave_id, invitation_id, "fresh")
