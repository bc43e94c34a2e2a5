"""Collecting from sources: run each adapter, record the run and its signals, re-evaluate evidence, ask for a rescore.

A failed or partial run never deletes or changes earlier signals: signals are rows added per run.
Adapter errors are recorded on the run; a retryable one is raised again afterwards (when asked) so the
Celery task can reschedule.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from assessor.models import Cluster, Membership, Organization, Repository, Team
from assessor.rescore import request_rescore
from collectors import conf
from collectors.errors import CollectorError
from collectors.evaluation import evidence_evaluate
from collectors.git import collect_local
from collectors.github import GitHubClient, collect_github
from collectors.issueforms import survey_issues_import, survey_wave_open
from collectors.kubernetes import ClusterReader, api_client_for, collect_cluster_dump, collect_cluster_live, read_snapshot
from collectors.localpaths import check_local_path, shown_path
from collectors.models import CollectionRun, Evaluation, Signal, SourceState
from collectors.models.runs import Collector, source_key_for
from collectors.records import Outcome, SignalRecord, Skipped
from collectors.storable import printable

STUCK_AFTER = timedelta(hours=2)
logger = logging.getLogger(__name__)

Source = Repository | Cluster


def run_start(*, source: Source, collector: str, trigger: str, source_url: str = "", job_id: str = "") -> CollectionRun:
    """Record that a run began (committed at once, so the collect page shows it), closing runs left hanging."""
    key = source_key_for(source)
    now = timezone.now()
    CollectionRun.objects.running().filter(source_key=key, collector=collector, started_at__lt=now - STUCK_AFTER).update(
        status=CollectionRun.Status.FAILED, finished_at=now, error="The run stopped without finishing (worker lost)."
    )
    if job_id:  # the same job running again means its earlier attempt died with its worker
        CollectionRun.objects.running().filter(source_key=key, collector=collector, job_id=job_id).update(
            status=CollectionRun.Status.FAILED, finished_at=now, error="The worker running it stopped; the job ran again."
        )
    return CollectionRun.objects.create(
        team_id=source.team_id,
        repository=source if isinstance(source, Repository) else None,
        cluster=source if isinstance(source, Cluster) else None,
        source_key=key,
        collector=collector,
        trigger=trigger,
        source_url=source_url,
        job_id=job_id,
        started_at=now,
    )


@contextmanager
def run_opened(
    *, source: Source, collector: str, trigger: str, source_url: str = "", job_id: str = ""
) -> Iterator[CollectionRun]:
    """`run_start`, and if anything in the block raises while the run is still running, the run is closed as
    failed with the exception as its reason before the exception goes on; no request or task leaves a run open.
    (BaseExceptions such as SystemExit, a worker being stopped, are left to the stuck-run and redelivery checks.)"""
    run = run_start(source=source, collector=collector, trigger=trigger, source_url=source_url, job_id=job_id)
    try:
        yield run
    except Exception as exc:
        run_abandon(run=run, error=exc)
        raise


def run_abandon(*, run: CollectionRun, error: BaseException) -> None:
    """Close a run that is still running as failed because of `error`. Changes nothing when it already finished
    (its status in the database decides: a rolled-back `run_record` may have left the instance saying otherwise)."""
    if isinstance(error, CollectorError):
        reason, retryable = str(error), error.retryable
    else:
        reason, retryable = f"Unexpected error: {error.__class__.__name__}: {error}", False
    fields = {
        "status": CollectionRun.Status.FAILED,
        "finished_at": timezone.now(),
        "error": _reason(reason),
        "retryable": retryable,
        "complete": False,
    }
    try:
        closed = CollectionRun.objects.running().filter(pk=run.pk).update(**fields)
    except DatabaseError:  # the database itself is the problem: the stuck-run check closes it later
        logger.exception("Could not mark collection run %s as failed", run.pk)
        return
    if closed:
        for name, value in fields.items():
            setattr(run, name, value)


def _reason(text: str) -> str:
    """An error message as a run can store it, whatever text the exception carried."""
    return printable(text).replace("\x00", "")


def _subject(source: Source, signal: SignalRecord) -> str:
    return f"{source}/{signal.namespace}" if signal.namespace else str(source)


def _resolve_teams(source: Source, signals: Iterable[SignalRecord], skipped: list[Skipped]) -> dict[str, int]:
    slugs = {s.team_slug for s in signals if s.team_slug}
    found = dict(Team.objects.filter(organization_id=source.team.organization_id, slug__in=slugs).values_list("slug", "id"))
    for slug in sorted(slugs - set(found)):
        namespaces = sorted({s.namespace for s in signals if s.team_slug == slug})
        skipped.append(
            Skipped(
                f"namespaces {', '.join(namespaces[:5])}",
                f"their label names a team {slug!r} that this organization does not have",
            )
        )
    return found


def run_record(*, run: CollectionRun, source: Source, outcome: Outcome, now: datetime | None = None) -> CollectionRun:
    """Store an outcome: its signals, the run's figures and status, the source's state; then re-evaluate evidence."""
    now = now or timezone.now()
    skipped = list(outcome.skipped)
    if outcome.unchanged:
        signals = _confirmed_unchanged(run, source)
        skipped.append(Skipped("everything", "nothing changed since the last run; its signals were confirmed"))
    else:
        signals = list(outcome.signals)
    teams = _resolve_teams(source, signals, skipped)
    rows = [
        Signal(
            run=run,
            team_id=teams[s.team_slug] if s.team_slug else source.team_id,
            repository=run.repository,
            cluster=run.cluster,
            source_key=run.source_key,
            collector=run.collector,
            key=s.key,
            value=s.value,
            detail=dict(s.detail),
            subject=_subject(source, s)[:300],
            path=s.path[:1000],
            namespace=s.namespace,
            observed_at=s.observed_at or now,
            source_url=(outcome.source_url or run.source_url)[:1000],
            endpoint=s.endpoint[:500],
        )
        for s in signals
        if not s.team_slug or s.team_slug in teams
    ]
    error = outcome.error
    if error is None:
        status = CollectionRun.Status.UNCHANGED if outcome.unchanged else CollectionRun.Status.OK
    else:
        status = CollectionRun.Status.PARTIAL if rows else CollectionRun.Status.FAILED
    with transaction.atomic():
        Signal.objects.bulk_create(rows, batch_size=1000)
        run.finish(
            status=status,
            api_calls=outcome.api_calls,
            rate_limit_remaining=outcome.rate_limit_remaining,
            signal_count=len(rows),
            complete=error is None and outcome.complete,
            skipped=[{"what": s.what, "reason": s.reason} for s in skipped],
            error=_reason(str(error)) if error else "",
            retryable=bool(error and error.retryable),
            source_url=(outcome.source_url or run.source_url)[:1000],
        )
        if outcome.state is not None and error is None:
            SourceState.objects.update_or_create(
                source_key=run.source_key,
                collector=run.collector,
                defaults={"repository": run.repository, "cluster": run.cluster, "data": dict(outcome.state)},
            )
        if rows:
            changed = evidence_evaluate(team_ids={row.team_id for row in rows}, run=run, now=now)
            request_rescore(team_ids=changed)
    return run


def _confirmed_unchanged(run: CollectionRun, source: Source) -> list[SignalRecord]:
    """The source's latest signals again, observed now: a 304 confirms them without costing rate limit."""
    team_slugs = dict(Team.objects.filter(organization_id=source.team.organization_id).values_list("id", "slug"))
    latest = Signal.objects.filter(source_key=run.source_key, collector=run.collector).current()
    return [
        SignalRecord(
            key=s.key,
            value=s.value,
            detail=s.detail,
            path=s.path,
            namespace=s.namespace,
            team_slug="" if s.team_id == source.team_id else team_slugs.get(s.team_id, ""),
            endpoint=s.endpoint,
        )
        for s in latest
    ]


def run_fail(*, run: CollectionRun, error: CollectorError) -> CollectionRun:
    run.finish(status=CollectionRun.Status.FAILED, error=_reason(str(error)), retryable=error.retryable, complete=False)
    return run


def _collect(
    *,
    source: Source,
    collector: str,
    trigger: str,
    source_url: str,
    adapter: Callable[[], Outcome],
    raise_retryable: bool,
    after: Callable[[CollectionRun, Outcome], None] | None = None,
    job_id: str = "",
) -> CollectionRun:
    # Any other exception is a defect rather than an outside fault: run_opened closes the run, then it surfaces.
    with run_opened(source=source, collector=collector, trigger=trigger, source_url=source_url, job_id=job_id) as run:
        try:
            outcome = adapter()
        except CollectorError as exc:
            run_fail(run=run, error=exc)
            if raise_retryable and exc.retryable:
                raise
            return run
        run_record(run=run, source=source, outcome=outcome)
        if after is not None:
            after(run, outcome)
    if raise_retryable and outcome.error is not None and outcome.error.retryable:
        raise outcome.error
    return run


def _member_emails(team: Team) -> list[str]:
    return list(Membership.objects.filter(team=team).exclude(user__email="").values_list("user__email", flat=True))


def _consumer_logins(team: Team) -> list[str]:
    """GitHub logins of the consuming teams' members: their recorded login, else their username here."""
    rows = Membership.objects.filter(team__in=team.consumers.all()).values_list("github_login", "user__username")
    return [login or username for login, username in rows]


def repository_collect(
    *, repository: Repository, trigger: str = CollectionRun.Trigger.MANUAL, raise_retryable: bool = True, job_id: str = ""
) -> list[CollectionRun]:
    """Collect a repository: a local scan when it has a local path, GitHub when it has a full name (or both)."""
    runs = []
    if repository.local_path:
        runs.append(
            _collect(
                source=repository,
                collector=Collector.GIT,
                trigger=trigger,
                source_url=repository.local_path,
                adapter=lambda: collect_local(
                    repository.local_path, now=timezone.now(), member_emails=_member_emails(repository.team)
                ),
                raise_retryable=raise_retryable,
                job_id=job_id,
            )
        )
    if repository.github_full_name:
        runs.append(
            _collect(
                source=repository,
                collector=Collector.GITHUB,
                trigger=trigger,
                source_url=f"{conf.github_base_url()}/repos/{repository.github_full_name}",
                adapter=lambda: _github_outcome(repository),
                raise_retryable=raise_retryable,
                job_id=job_id,
                after=lambda run, outcome: _import_survey_answers(run, repository, outcome),
            )
        )
    return runs


def _github_outcome(repository: Repository) -> Outcome:
    state = SourceState.objects.filter(source_key=source_key_for(repository), collector=Collector.GITHUB).first()
    pending = bool(state and state.data.get("survey_pending"))
    return collect_github(
        repository.github_full_name,
        client=GitHubClient.from_settings(),
        now=timezone.now(),
        state=state.data if state else None,
        survey_refetch=pending and survey_wave_open(repository.team.organization_id),
        platform_repo=repository.is_platform_repo or repository.team.is_provider,
        consumer_logins=_consumer_logins(repository.team),
    )


def _import_survey_answers(run: CollectionRun, repository: Repository, outcome: Outcome) -> None:
    if not outcome.survey_issues:
        return
    result = survey_issues_import(repository=repository, issues=outcome.survey_issues)
    run.notes = [*run.notes, result.note]
    run.save(update_fields=["notes"])
    # Issues that could not be imported yet are fetched again once a wave is open, even if GitHub says unchanged.
    state = SourceState.objects.filter(source_key=run.source_key, collector=run.collector).first()
    if state is not None and state.data.get("survey_pending") != (not result.imported):
        state.data = {**state.data, "survey_pending": not result.imported}
        state.save(update_fields=["data", "updated_at"])


def cluster_collect(
    *, cluster: Cluster, trigger: str = CollectionRun.Trigger.MANUAL, raise_retryable: bool = True, job_id: str = ""
) -> CollectionRun | None:
    """Collect a cluster from its snapshot file, or live through its kubeconfig context; None for a placeholder."""
    if cluster.snapshot_path:
        return _collect(
            source=cluster,
            collector=Collector.KUBERNETES,
            trigger=trigger,
            source_url=cluster.snapshot_path,
            adapter=lambda: collect_cluster_dump(
                read_snapshot(cluster.snapshot_path), team_label=cluster.team_label, source=shown_path(cluster.snapshot_path)
            ),
            raise_retryable=raise_retryable,
            job_id=job_id,
        )
    if cluster.kube_context:
        return _collect(
            source=cluster,
            collector=Collector.KUBERNETES,
            trigger=trigger,
            source_url=f"context {cluster.kube_context}",
            adapter=lambda: collect_cluster_live(
                ClusterReader(api_client_for(cluster.kube_context)), team_label=cluster.team_label
            ),
            raise_retryable=raise_retryable,
            job_id=job_id,
        )
    return None


def cluster_dump_import(*, cluster: Cluster, data: bytes, filename: str) -> CollectionRun:
    """Use an uploaded dump. A dump that cannot be used raises DumpError before any run is recorded."""
    outcome = collect_cluster_dump(data, team_label=cluster.team_label, source=f"upload {filename}")
    with run_opened(
        source=cluster, collector=Collector.KUBERNETES, trigger=CollectionRun.Trigger.UPLOAD, source_url=outcome.source_url
    ) as run:
        return run_record(run=run, source=cluster, outcome=outcome)


def organization_sources(organization: Organization) -> list[Source]:
    repositories = Repository.objects.filter(team__organization=organization).select_related("team").order_by("name")
    clusters = Cluster.objects.filter(team__organization=organization).select_related("team").order_by("name")
    return [*repositories, *(c for c in clusters if not c.is_placeholder)]


@dataclass(frozen=True)
class QueuedJob:
    """One collection task asked for: its Celery task id (the runs it records carry it as their job_id) and source."""

    job: str
    source_kind: str  # "repository" or "cluster"
    source_id: int
    team_id: int


def collection_enqueue(
    *, organization: Organization, sources: Sequence[Source] | None = None, trigger: str = CollectionRun.Trigger.MANUAL
) -> list[QueuedJob]:
    """Queue one collection task per source (every source of the organization when none are given), each sent only
    once the surrounding transaction commits; returns what was queued, with the job ids. The collect page and the
    API both queue through here. A source of another organization raises ValueError and nothing is queued."""
    from collectors import tasks  # the tasks module imports this one

    chosen = organization_sources(organization) if sources is None else list(sources)
    foreign = [source for source in chosen if source.team.organization_id != organization.pk]
    if foreign:
        raise ValueError(f"{foreign[0]} does not belong to {organization}.")
    jobs = []
    for source in chosen:
        job = str(uuid.uuid4())
        is_repository = isinstance(source, Repository)
        task = tasks.collect_repository if is_repository else tasks.collect_cluster
        transaction.on_commit(partial(task.apply_async, args=[source.pk, trigger], task_id=job))
        jobs.append(
            QueuedJob(
                job=job, source_kind="repository" if is_repository else "cluster", source_id=source.pk, team_id=source.team_id
            )
        )
    return jobs


def source_collect(*, source: Source, trigger: str, raise_retryable: bool = True) -> list[CollectionRun]:
    if isinstance(source, Repository):
        return repository_collect(repository=source, trigger=trigger, raise_retryable=raise_retryable)
    run = cluster_collect(cluster=source, trigger=trigger, raise_retryable=raise_retryable)
    return [run] if run else []


def local_repository_for(*, path: str, team: Team) -> Repository:
    """The team's repository for a local path, created when there is none yet. LocalPathError when the path lies
    outside the allowed roots."""
    resolved = str(check_local_path(path))
    repository = Repository.objects.filter(team=team, local_path=resolved).first()
    if repository is None:
        repository = Repository.objects.create(team=team, name=Path(resolved).name or resolved, local_path=resolved)
    return repository


def signals_prune(*, older_than_days: int | None = None, now: datetime | None = None) -> int:
    """Delete signals of runs older than the retention, except each key's latest value; returns rows deleted.

    Runs left without signals stay as the record of what happened; evaluations keep the team's newest one.
    """
    days = conf.signal_retention_days() if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    keep = Signal.objects.current().values("id")
    old = Signal.objects.filter(run__started_at__lt=cutoff).exclude(id__in=keep)
    _, by_model = old.delete()
    Evaluation.objects.filter(evaluated_at__lt=cutoff).exclude(id__in=Evaluation.objects.latest_ids()).delete()
    return by_model.get(Signal._meta.label, 0)
