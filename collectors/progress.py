"""What the collect page shows while collection goes on: the jobs an admin queued, as queued until a run starts.

A queued job has no row of its own until the worker starts it (its runs then carry the job's id), so the jobs an
admin asks for are remembered in their session. A job is running while one of its runs is, and finished once each
collector its source uses has recorded a finished run for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from assessor.heartbeat import WorkerStatus
from assessor.models import Cluster, Repository
from collectors.models import CollectionRun
from collectors.selectors import SourceRow
from collectors.services import QueuedJob

SESSION_KEY = "collector_jobs"
# A job still waiting this long while no worker has been seen is waiting for a worker that is not there.
NO_WORKER_AFTER = timedelta(seconds=15)
FORGET_AFTER = timedelta(days=1)  # a job older than this is dropped from the session, run or not
REMEMBERED = 200


@dataclass(frozen=True)
class JobState:
    job: str
    source_key: str
    source: Repository | Cluster
    queued_at: datetime
    status: str  # "queued", "running" or "finished"
    run_ids: tuple[int, ...] = field(default=())

    def waiting_seconds(self, now: datetime) -> int:
        return max(0, int((now - self.queued_at).total_seconds()))

    def waiting(self, now: datetime) -> str:
        seconds = self.waiting_seconds(now)
        return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


@dataclass(frozen=True)
class Progress:
    jobs: list[JobState]
    runs: list[CollectionRun]
    worker: WorkerStatus
    now: datetime

    @property
    def queued_rows(self) -> list[tuple[JobState, str]]:
        """The queued jobs with how long each has waited, as the page shows them."""
        return [(job, job.waiting(self.now)) for job in self.queued]

    @property
    def queued(self) -> list[JobState]:
        return [job for job in self.jobs if job.status == "queued"]

    @property
    def running_runs(self) -> int:
        return sum(1 for run in self.runs if run.status == CollectionRun.Status.RUNNING)

    @property
    def active(self) -> bool:
        """Something is still to happen: a job waits or a run goes on, so the page keeps asking."""
        return bool(self.queued) or self.running_runs > 0 or any(job.status == "running" for job in self.jobs)

    @property
    def longest_wait(self) -> int:
        return max((job.waiting_seconds(self.now) for job in self.queued), default=0)

    @property
    def no_worker(self) -> bool:
        """Jobs have waited past NO_WORKER_AFTER and no worker has shown a heartbeat lately."""
        return self.worker.missing and self.longest_wait >= NO_WORKER_AFTER.total_seconds()

    def summary(self) -> str:
        if not self.active:
            return "No collection is queued or running."
        parts = []
        if self.queued:
            parts.append(f"{len(self.queued)} queued")
        if self.running_runs:
            parts.append(f"{self.running_runs} running")
        return f"Collection in progress: {', '.join(parts) or 'finishing'}."


def jobs_remember(session: MutableMapping[str, Any], *, organization_id: int, jobs: Sequence[QueuedJob], now: datetime) -> None:
    """Add the jobs just queued to the session, dropping the oldest past REMEMBERED and any older than a day."""
    cutoff = (now - FORGET_AFTER).isoformat()
    kept = [job for job in session.get(SESSION_KEY, []) if job.get("queued_at", "") >= cutoff]
    added = [
        {
            "job": job.job,
            "org": organization_id,
            "source_key": f"{job.source_kind}:{job.source_id}",
            "queued_at": now.isoformat(),
        }
        for job in jobs
    ]
    session[SESSION_KEY] = [*kept, *added][-REMEMBERED:]


def _remembered(session: Mapping[str, Any], organization_id: int) -> list[dict[str, Any]]:
    return [job for job in session.get(SESSION_KEY, []) if job.get("org") == organization_id]


def _expected_collectors(source: Repository | Cluster) -> int:
    if isinstance(source, Repository):
        return int(bool(source.local_path)) + int(bool(source.github_full_name))
    return 1


def _job_status(source: Repository | Cluster, statuses: Iterable[str]) -> str:
    seen, expected = list(statuses), _expected_collectors(source)
    if not expected:  # a repository with neither a path nor a GitHub name: its task records nothing
        return "finished"
    if not seen:
        return "queued"
    if CollectionRun.Status.RUNNING in seen or len(seen) < expected:
        return "running"
    return "finished"


def job_states(session: Mapping[str, Any], *, organization_id: int, sources: Sequence[SourceRow]) -> list[JobState]:
    """The remembered jobs of the organization whose source still exists, newest first, each with its state.
    One query, whatever the number of jobs."""
    by_key = {f"{row.kind}:{row.source.pk}": row.source for row in sources}
    remembered = [job for job in _remembered(session, organization_id) if job["source_key"] in by_key]
    runs: dict[str, list[tuple[int, str]]] = {}
    if remembered:
        rows = CollectionRun.objects.filter(job_id__in=[job["job"] for job in remembered]).values_list("job_id", "id", "status")
        for job_id, run_id, status in rows.order_by("id"):
            runs.setdefault(job_id, []).append((run_id, status))
    states = []
    for job in reversed(remembered):
        source = by_key[job["source_key"]]
        found = runs.get(job["job"], [])
        states.append(
            JobState(
                job=job["job"],
                source_key=job["source_key"],
                source=source,
                queued_at=datetime.fromisoformat(job["queued_at"]),
                status=_job_status(source, (status for _, status in found)),
                run_ids=tuple(run_id for run_id, _ in found),
            )
        )
    return states


def run_payload(run: CollectionRun) -> dict[str, Any]:
    """One run as the status endpoint lists it: status, counts and what was not read."""
    return {
        "id": run.pk,
        "job": run.job_id,
        "source": str(run.source),
        "source_key": run.source_key,
        "team": str(run.team),
        "collector": run.collector,
        "status": run.status,
        "status_label": run.get_status_display(),
        "trigger": run.trigger,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "signals": run.signal_count,
        "api_calls": run.api_calls,
        "rate_limit_remaining": run.rate_limit_remaining,
        "error": run.error,
        "retryable": run.retryable,
        "skipped": run.skipped,
        "notes": run.notes,
    }


def progress_payload(progress: Progress) -> dict[str, Any]:
    worker = progress.worker
    return {
        "active": progress.active,
        "summary": progress.summary(),
        "counts": {
            "queued": len(progress.queued),
            "running": progress.running_runs,
            "finished": sum(1 for run in progress.runs if run.status != CollectionRun.Status.RUNNING),
        },
        "worker": {
            "inline": worker.inline,
            "seen_recently": worker.seen_recently,
            "last_seen": worker.last_seen.isoformat() if worker.last_seen else None,
        },
        "no_worker": progress.no_worker,
        "longest_wait_seconds": progress.longest_wait,
        "jobs": [
            {
                "job": job.job,
                "source": str(job.source),
                "source_key": job.source_key,
                "team": str(job.source.team),
                "status": job.status,
                "queued_at": job.queued_at.isoformat(),
                "waiting_seconds": job.waiting_seconds(progress.now) if job.status == "queued" else None,
                "runs": list(job.run_ids),
            }
            for job in progress.jobs
        ],
        "runs": [run_payload(run) for run in progress.runs],
    }


def jobs_forget(session: MutableMapping[str, Any], *, jobs: Iterable[str]) -> None:
    """Drop these jobs (finished ones, once the page has shown their runs) from the session."""
    gone = set(jobs)
    remembered = session.get(SESSION_KEY, [])
    if gone and any(job["job"] in gone for job in remembered):
        session[SESSION_KEY] = [job for job in remembered if job["job"] not in gone]
