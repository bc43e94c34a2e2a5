"""A team's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from assessor.access import can_manage_team, can_view_team
from assessor.models import Team
from collectors.forms import waiver_form
from reports.dashboards.cache import cached_page
from reports.dashboards.team import team_data
from reports.selectors import team_waivers
from reports.views.common import (
    PageError,
    csv_download,
    dashboard_context,
    handle_errors,
    int_param,
    rendered_blocks,
    rubric_choices,
    rubric_param,
)

SIGNAL_PLACEHOLDER = 987654321


def _signal_url_pattern(request: HttpRequest, team: Team) -> str:
    """How to link a signal: its row on the collectors' evidence page of the team.

    The pattern holds SIGNAL_PLACEHOLDER where the signal id goes, so URLs are reversed once, not per signal.
    """
    return f"{reverse('collectors:team_evidence', args=[team.pk])}#signal-{SIGNAL_PLACEHOLDER}"


@login_required
@handle_errors
def team_page(request: HttpRequest, team_id: int) -> HttpResponse:
    team = Team.objects.select_related("organization", "group").filter(pk=team_id).first()
    if team is None or not can_view_team(request.user, team):
        # The same 404 whether the team does not exist or is not the reader's, so its existence does not leak.
        raise PageError(
            404,
            "No such team",
            f"There is no team {team_id} among the teams you can see. You can open the pages of your own team; "
            "admins of an organization can open every team's page.",
        )
    context = dashboard_context(request, team.organization)
    rubric = rubric_param(request)
    wave_id, now = int_param(request, "wave"), timezone.now()
    data = cached_page(
        "team",
        context.scope,
        (team.pk, wave_id, rubric),
        now=now,
        build=lambda: team_data(context.scope, team, wave_id=wave_id, now=now, rubric_version=rubric),
    )
    download = csv_download(request, data.blocks, f"{team.organization.slug}-{team.slug}")
    if download is not None:
        return download
    pattern = _signal_url_pattern(request, team)
    for card in data.cards:
        for item in card["evidence"]:
            item["signals"] = [
                {"id": signal_id, "url": pattern.replace(str(SIGNAL_PLACEHOLDER), str(signal_id)) if pattern else ""}
                for signal_id in item["signal_ids"]
            ]
    now = timezone.now()
    waivers = [{"waiver": waiver, "state": waiver.state(now)} for waiver in team_waivers(context.scope, team.pk)]
    can_waive = can_manage_team(request.user, team)
    return render(
        request,
        "reports/team.html",
        {
            "tab": "team",
            "context": context,
            "organization": team.organization,
            "team": team,
            "data": data,
            "blocks": rendered_blocks(request, data.blocks),
            "wave_choices": data.answered_waves[["wave_id", "wave"]].to_dict("records"),
            "collect_url": reverse("collectors:collect"),
            "evidence_url": reverse("collectors:team_evidence", args=[team.pk]),
            "repositories_url": reverse("admin:assessor_repository_changelist") if request.user.is_staff else "",
            "waves_url": reverse("surveys:waves") if request.user.is_staff else "",
            "waivers": waivers,
            "waiver_form": waiver_form(team) if can_waive else None,
            "waiver_add_url": reverse("collectors:waiver_add", args=[team.pk]),
            "rubric": rubric_choices(rubric),
        },
    )
