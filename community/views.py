"""The community's pages: its report (reviewers, or anyone with COMMUNITY_PUBLIC), its contributors (the
community admin issues and revokes their tokens), and, for an organization's admin, publishing a wave's
release to a community on this deployment or on another one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessor.access import is_org_admin
from assessor.models import Organization
from community import conf
from community.models import Community, Contributor
from community.publish import PublishFailed, release_publish_local, release_send
from community.report import PeriodInvalid, community_page
from community.selectors import (
    can_read,
    can_see_releases,
    communities_for,
    contributors_of,
    is_community_admin,
    local_contributions,
    received_releases,
)
from community.services import ReleaseRejected, contributor_issue
from reports.export.releases import current_release
from reports.views.common import PageError, csv_download, handle_errors, rendered_blocks
from surveys.models import Wave

MAX_FIELD = 300


def _community(request: HttpRequest, slug: str) -> Community:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_read(request.user, community):
        raise PageError(404, "Not found", "There is no such community that you may read.")
    return community


def community_list(request: HttpRequest) -> HttpResponse:
    if not conf.public() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "community/list.html", {"communities": list(communities_for(request.user))})


@handle_errors
def community_report(request: HttpRequest, slug: str) -> HttpResponse:
    if not conf.public() and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    community = _community(request, slug)
    try:
        page = community_page(
            community, first=request.GET.get("from"), last=request.GET.get("to"), default_year=timezone.now().year
        )
    except PeriodInvalid as exc:
        raise PageError(400, "Bad request", str(exc)) from exc
    download = csv_download(request, page.blocks, f"community-{community.slug}-{page.period.label}")
    if download is not None:
        return download
    reviewer = can_see_releases(request.user, community)
    return render(
        request,
        "community/report.html",
        {
            "community": community,
            "page": page,
            "blocks": rendered_blocks(request, page.blocks),
            "releases": received_releases(community) if reviewer else [],
            "reviewer": reviewer,
            "community_admin": is_community_admin(request.user, community),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def contributors(request: HttpRequest, slug: str) -> HttpResponse:
    community = Community.objects.filter(slug=slug).first()
    if community is None or not is_community_admin(request.user, community):
        raise PageError(404, "Not found", "There is no such community that you administer.")
    issued = None
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            wanted = request.POST.get("contributor", "")
            contributor = (
                Contributor.objects.filter(community=community, pk=int(wanted)).first()
                if wanted.isdigit() and len(wanted) < 18
                else None
            )
            if contributor is None:
                raise PageError(400, "Bad request", "Choose a contributor of this community to revoke.")
            contributor.revoke(timezone.now())
            messages.success(request, f"The token of {contributor.pseudonym} is revoked; its releases stay.")
            return redirect("community:contributors", slug=community.slug)
        issued, status = _issue(request, community)
    return render(
        request,
        "community/contributors.html",
        {"community": community, "contributors": contributors_of(community), "issued": issued,
         "organizations": list(Organization.objects.order_by("name"))},
        status=status,
    )  # fmt: skip


def _issue(request: HttpRequest, community: Community) -> tuple[dict[str, str] | None, int]:
    pseudonym = request.POST.get("pseudonym", "").strip()
    public_name = request.POST.get("public_name", "").strip()
    if not pseudonym or len(pseudonym) > 80 or len(public_name) > 200:
        messages.error(request, "Give the contributor a pseudonym of up to 80 characters (and a public name of up to 200).")
        return None, 400
    slug = request.POST.get("organization", "")
    organization = Organization.objects.filter(slug=slug).first() if slug else None
    if slug and organization is None:
        messages.error(request, "That organization is not on this deployment; leave it empty for a remote one.")
        return None, 400
    try:
        contributor, key = contributor_issue(
            community=community, pseudonym=pseudonym, public_name=public_name, organization=organization
        )
    except IntegrityError:
        messages.error(request, f"{community.name} already has a contributor called {pseudonym!r}; choose another pseudonym.")
        return None, 409
    return {"pseudonym": contributor.pseudonym, "key": key}, 201


def _publish_wave(request: HttpRequest, wave_id: int) -> Wave:
    wave = Wave.objects.select_related("organization").filter(pk=wave_id).first()
    if wave is None:
        raise PageError(404, "Not found", "There is no such survey wave.")
    if not is_org_admin(request.user, wave.organization):
        raise PageError(403, "Admins only", f"Only admins of {wave.organization.name} publish its releases to a community.")
    return wave


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def publish(request: HttpRequest, wave_id: int) -> HttpResponse:
    wave = _publish_wave(request, wave_id)
    choices = local_contributions(wave.organization_id)
    if request.method == "POST":
        try:
            message = _send(request, wave, choices)
        except ReleaseRejected as exc:
            return _publish_page(request, wave, choices, error=str(exc), status=exc.status)
        except PublishFailed as exc:
            return _publish_page(request, wave, choices, error=str(exc), status=502 if exc.retryable else 409)
        messages.success(request, message)
        return redirect("community:publish", wave_id=wave.pk)
    return _publish_page(request, wave, choices)


def _send(request: HttpRequest, wave: Wave, choices: list[Contributor]) -> str:
    if request.POST.get("action") == "remote":
        url, token = request.POST.get("url", "")[:MAX_FIELD], request.POST.get("token", "")[:MAX_FIELD].strip()
        return release_send(wave=wave, url=url, token=token).message
    contributor = next((c for c in choices if str(c.pk) == request.POST.get("contributor", "")), None)
    if contributor is None:
        raise PublishFailed(f"Choose a community that {wave.organization.name} contributes to.")
    release, receipt = release_publish_local(wave=wave, contributor=contributor, now=timezone.now())
    word = "received" if receipt.created else "already held"
    return f"Release {release.number} of {wave.name}: {word} by {contributor.community.name} as {contributor.pseudonym}."


def _publish_page(
    request: HttpRequest, wave: Wave, choices: list[Contributor], *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {"wave": wave, "release": current_release(wave), "choices": choices, "error": error}
    return render(request, "community/publish.html", context, status=status)
