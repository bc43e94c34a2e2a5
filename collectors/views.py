"""Pages of the collectors: collect now and watch runs, upload a cluster dump, a team's evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessor.access import can_view_team, is_org_admin, organizations_administered
from assessor.heartbeat import WORKER_COMMAND, worker_status
from assessor.models import Cluster, Organization, Repository, Team
from collectors import conf
from collectors.dump import DumpError, how_to_export
from collectors.forms import CollectNowForm, DumpUploadForm
from collectors.models import CollectionRun, SourceState, SurveyIssue
from collectors.progress import Progress, job_states, jobs_forget, jobs_remember, progress_payload
from collectors.selectors import evidence_for_team, recent_runs, signals_for_team, sources_overview
from collectors.services import QueuedJob, cluster_dump_import, collection_enqueue


def _queue(organization: Organization, choice: str) -> tuple[str, list[QueuedJob]]:
    """Queue the chosen source (or all of them) once the transaction commits; returns what was queued, for the
    message, and the jobs."""
    if choice == "all":
        jobs = collection_enqueue(organization=organization)
        return f"all {len(jobs)} sources of {organization}", jobs
    kind, _, pk = choice.partition(":")
    if kind == "repository":
        repository = get_object_or_404(Repository.objects.select_related("team"), pk=pk, team__organization=organization)
        return f"repository {repository}", collection_enqueue(organization=organization, sources=[repository])
    cluster = get_object_or_404(Cluster.objects.select_related("team"), pk=pk, team__organization=organization)
    if cluster.is_placeholder:
        raise PermissionDenied("This cluster has neither a kubeconfig context nor a snapshot: upload a dump instead.")
    return f"cluster {cluster}", collection_enqueue(organization=organization, sources=[cluster])


def _progress_context(request: HttpRequest, organization: Organization) -> dict[str, Any]:
    """What the collect page and its status endpoint show: sources, queued jobs, recent runs, the worker."""
    now = timezone.now()
    sources = sources_overview(organization)
    jobs = job_states(request.session, organization_id=organization.pk, sources=sources)
    progress = Progress(jobs=jobs, runs=recent_runs(organization), worker=worker_status(now), now=now)
    queued_keys = {job.source_key for job in progress.queued}
    return {
        "organization": organization,
        "sources": sources,
        "queued_keys": queued_keys,
        "runs": progress.runs,
        "progress": progress,
        "worker": progress.worker,
        "worker_command": WORKER_COMMAND,
    }


@staff_member_required
@require_http_methods(["GET", "POST"])
def collect_page(request: HttpRequest) -> HttpResponse:
    organizations = list(organizations_administered(request.user))
    if not organizations:
        return render(request, "collectors/collect.html", {"organization": None})
    wanted = request.GET.get("org") or request.POST.get("org")
    organization = next((o for o in organizations if o.slug == wanted), organizations[0])
    if request.method == "POST":
        form = CollectNowForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a source to collect.")
        else:
            queued, jobs = _queue(organization, form.cleaned_data["source"])
            jobs_remember(request.session, organization_id=organization.pk, jobs=jobs, now=timezone.now())
            messages.success(request, f"Collection of {queued} is queued; this page follows the runs until they end.")
        return redirect(f"{reverse('collectors:collect')}?org={organization.slug}")
    context = {
        **_progress_context(request, organization),
        "organizations": organizations,
        "survey_issues_pending": SurveyIssue.objects.for_organization(organization.pk).pending().count(),
    }
    jobs_forget(request.session, jobs=[job.job for job in context["progress"].jobs if job.status == "finished"])
    return render(request, "collectors/collect.html", context)


@require_http_methods(["GET"])
def collect_status(request: HttpRequest) -> JsonResponse:
    """The collect page's progress as JSON, for its script: queued jobs, recent runs, whether a worker is there.
    Admins only, and only for an organization they administer."""
    if not request.user.is_authenticated or not request.user.is_staff:
        return JsonResponse({"detail": "Sign in as an admin to see collection progress."}, status=403)
    organizations = list(organizations_administered(request.user))
    wanted = request.GET.get("org")
    organization = next((o for o in organizations if o.slug == wanted), None if wanted else next(iter(organizations), None))
    if organization is None:
        detail = f"You administer no organization {wanted!r}." if wanted else "You administer no organization."
        return JsonResponse({"detail": detail}, status=404)
    context = _progress_context(request, organization)
    payload = {
        "organization": organization.slug,
        **progress_payload(context["progress"]),
        "html": {
            "runs": render_to_string("collectors/_run_rows.html", context, request=request),
            "sources": render_to_string("collectors/_source_rows.html", context, request=request),
        },
    }
    response = JsonResponse(payload)
    response["Cache-Control"] = "no-store"
    return response


def _dump_summary(run: CollectionRun) -> str:
    """What the upload gave, which kinds the dump held and which it lacked (those stay as an earlier run saw them)."""
    state = SourceState.objects.filter(source_key=run.source_key, collector=run.collector).values_list("data", flat=True)
    coverage = next(iter(state), {}).get("dump", {})
    found = ", ".join(f"{kind.rpartition('/')[2]} ({count})" for kind, count in coverage.get("found", {}).items())
    text = f"The dump of {run.cluster} gave {run.signal_count} signals. It holds: {found or 'nothing the evidence reads'}."
    missing = [kind.rpartition("/")[2] for kind in [*coverage.get("lacks", []), *coverage.get("cut", [])]]
    if missing:
        text += f" It lacks (or holds cut short): {', '.join(missing)}; what they give stays as an earlier run saw it."
    return text


@staff_member_required
@require_http_methods(["GET", "POST"])
def dump_upload(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = get_object_or_404(Cluster.objects.select_related("team__organization"), pk=cluster_id)
    if not is_org_admin(request.user, cluster.team.organization):
        raise PermissionDenied("Only the organization's admins can upload cluster dumps.")
    form = DumpUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"cluster": cluster, "form": form, "how_to": how_to_export(), "limit": conf.max_dump_bytes()}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "collectors/upload.html", context, status=400)
        upload = form.cleaned_data["dump"]
        limit = conf.max_dump_bytes()
        try:
            if upload.size > limit:
                raise DumpError(f"The file is {upload.size:,} bytes; the limit is {limit:,} bytes.")
            run = cluster_dump_import(cluster=cluster, data=upload.read(), filename=upload.name)
        except DumpError as exc:
            context["error"] = str(exc)
            return render(request, "collectors/upload.html", context, status=400)
        messages.success(request, _dump_summary(run))
        return redirect(f"{reverse('collectors:collect')}?org={cluster.team.organization.slug}")
    return render(request, "collectors/upload.html", context)


@login_required
def team_evidence(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("organization"), pk=team_id)
    if not can_view_team(request.user, team):
        raise PermissionDenied("You cannot see this team.")
    context = {"team": team, "evidence": evidence_for_team(team), "signals": signals_for_team(team)}
    return render(request, "collectors/team_evidence.html", context)
