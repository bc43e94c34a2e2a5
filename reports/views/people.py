"""A wave's people invited by name (admins): their progress, inviting team members, emailing links, and the
CSV of links for organizations that hand them out through chat."""

from __future__ import annotations

import csv
import io
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from assessor.access import is_org_admin, organizations_for
from assessor.heartbeat import WORKER_COMMAND, worker_status
from reports.csvsafe import safe_cell
from reports.selectors import PersonProgress, wave_people
from reports.tasks import send_invitations
from reports.views.common import PageError, dashboard_context, handle_errors
from surveys.models import Wave
from surveys.services import InvitationsRefused, invitations_for_people

CSV_HEADER = ["Name", "E-mail", "Team", "Role", "Status", "Link"]
STATUS_WORDS = {"not_started": "Not started", "draft": "Draft", "submitted": "Submitted", "revoked": "Withdrawn"}


def _wave_for_admin(request: HttpRequest, wave_id: int) -> Wave:
    """The wave, for an admin of its organization; not found for anyone outside it, refused for its members."""
    visible = Wave.objects.select_related("organization", "instrument").filter(organization__in=organizations_for(request.user))
    wave = visible.filter(pk=wave_id).first()
    if wave is None:
        raise PageError(404, "Not found", "There is no such survey wave.")
    if not is_org_admin(request.user, wave.organization):
        raise PageError(403, "Admins only", f"Only admins of {wave.organization.name} see who has answered {wave.name}.")
    return wave


def _totals(rows: list[PersonProgress]) -> dict[str, int]:
    live = [row for row in rows if row.status != "revoked"]
    return {
        "people": len(live),
        "emailed": sum(1 for row in live if row.invited_at is not None),
        "opened": sum(1 for row in live if row.opened_at is not None),
        "draft": sum(1 for row in live if row.status == "draft"),
        "submitted": sum(1 for row in live if row.status == "submitted"),
    }


@login_required
@require_GET
@handle_errors
def wave_people_page(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _wave_for_admin(request, wave_id)
    now = timezone.now()
    rows = wave_people(wave)
    context = {
        "organization": wave.organization,
        "context": dashboard_context(request, wave.organization),
        "tab": "people",
        "wave": wave,
        "state": wave.state(now),
        "rows": rows,
        "totals": _totals(rows),
        "link_base": request.build_absolute_uri("/")[:-1],
        "worker": worker_status(now),
        "worker_command": WORKER_COMMAND,
    }
    return render(request, "reports/people.html", context)


@login_required
@require_GET
@handle_errors
def wave_people_csv(request: HttpRequest, wave_id: int) -> HttpResponse:
    """Name, e-mail, team, role, status and link of every working link addressed to a person."""
    wave = _wave_for_admin(request, wave_id)
    base = request.build_absolute_uri("/")[:-1]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in wave_people(wave):
        if row.status == "revoked":
            continue
        invitation = row.invitation
        cells = [
            row.name,
            row.email,
            invitation.team.name,
            invitation.get_role_display(),
            STATUS_WORDS[row.status],
            f"{base}{invitation.path()}",
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(wave.name) or "wave"}-links.csv"'
    response["Cache-Control"] = "no-store"  # working links: keep them out of shared caches
    return response


@login_required
@require_POST
@handle_errors
def wave_people_invite(request: HttpRequest, wave_id: int) -> HttpResponse:
    """One link for each member of the wave's teams who has none yet."""
    wave = _wave_for_admin(request, wave_id)
    if wave.has_closed(timezone.now()):
        raise PageError(409, "The wave has closed", f"{wave.name} has closed, so it takes no more people.")
    try:
        created = invitations_for_people(wave=wave)
    except InvitationsRefused as exc:
        raise PageError(400, "Nobody invited", str(exc)) from exc
    if created:
        messages.success(
            request,
            f"Invited {len(created)} {'person' if len(created) == 1 else 'people'} by name, each with a link of their own.",
        )
    else:
        messages.info(request, "Every member of the wave's teams already has a link; nobody new to invite.")
    return redirect("reports:wave_people", wave_id=wave.pk)


@login_required
@require_POST
@handle_errors
def wave_people_send(request: HttpRequest, wave_id: int) -> HttpResponse:
    """Queue the invitation emails; the ledger sends each link once however often this is pressed."""
    wave = _wave_for_admin(request, wave_id)
    if wave.has_closed(timezone.now()):
        raise PageError(409, "The wave has closed", f"{wave.name} has closed; its links take no more answers.")
    transaction.on_commit(partial(send_invitations.delay, wave.pk))
    messages.success(
        request,
        "The invitation emails are on their way; the Emailed column fills in as they go out. "
        "People who already got their link are not emailed again.",
    )
    return redirect("reports:wave_people", wave_id=wave.pk)
