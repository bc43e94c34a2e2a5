"""Importing answers written through GitHub issue forms into a wave, idempotent by the issue's source id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from assessor import rescore
from assessor.models import Team
from surveys import conf
from surveys.answers import AnswerError, CheckedAnswer, check_value
from surveys.instruments import InstrumentSpec
from surveys.issueforms import IssueForm, issue_answers
from surveys.models import Response, Role, Wave
from surveys.services.responses import answers_apply, answers_plan, stored_answers

MAX_SOURCE_ID = 300


class ImportRefused(ValueError):
    """The import as a whole cannot run (for example, the team is not part of the wave's organization)."""


@dataclass
class ImportReport:
    """Source ids created, updated and left unchanged; skipped ones and warnings with their reasons."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped"
        )


def _checked(spec: InstrumentSpec, raw: dict[str, object], warnings: list[str]) -> dict[str, CheckedAnswer | None]:
    checked: dict[str, CheckedAnswer | None] = {}
    for key, value in raw.items():
        question = spec.question(key)
        if question is None:
            continue
        try:
            checked[key] = check_value(question, value, text_limit=conf.max_text_length())
        except AnswerError as exc:
            warnings.append(f"{question.text}: {exc} Left empty.")
            checked[key] = None
    return checked


def _problem(issue: object) -> str | None:
    if not isinstance(issue, IssueForm):
        return "Not an IssueForm."
    if not isinstance(issue.source_id, str) or not issue.source_id.strip():
        return "The issue has no source id."
    if len(issue.source_id) > MAX_SOURCE_ID:
        return f"The source id is longer than {MAX_SOURCE_ID} characters."
    if not isinstance(issue.body, str) or not issue.body.strip():
        return "The issue body is empty."
    if len(issue.body.encode("utf-8", "replace")) > conf.max_issue_body_bytes():
        return f"The issue body is larger than {conf.max_issue_body_bytes()} bytes."
    if "\x00" in issue.body:
        return "The issue body contains a null byte."
    return None


def _import_one(*, wave: Wave, team: Team, issue: IssueForm, role: str, spec: InstrumentSpec, report: ImportReport) -> None:
    source_id = issue.source_id.strip()
    parsed = issue_answers(spec, issue.body, role=role)
    if parsed.found == 0:
        report.skipped.append((source_id, "No section of the form was found in the issue body."))
        return
    notes = list(parsed.warnings)
    checked = _checked(spec, parsed.raw, notes)
    missing = [q.text for q in spec.questions() if q.required and q.shown_to(role) and checked.get(q.key) is None]
    if missing:
        report.skipped.append((source_id, f"Required section(s) missing or empty: {', '.join(missing)}."))
        return
    now = timezone.now()
    with transaction.atomic():
        closes_at = Wave.objects.filter(pk=wave.pk).values_list("closes_at", flat=True).first()
        if closes_at is None or now >= closes_at:
            report.skipped.append((source_id, "The wave closed during the import."))
            return
        existing = Response.objects.select_for_update().filter(wave=wave, external_id=source_id).first()
        if existing is not None and existing.team_id != team.pk:
            report.skipped.append((source_id, "Already imported for another team of this wave."))
            return
        plan = answers_plan(spec=spec, role=existing.role if existing else role, stored=stored_answers(existing), checked=checked)
        if existing is not None and not plan.changes:
            report.unchanged.append(source_id)
            return
        response = existing or Response.objects.create(
            wave=wave,
            team=team,
            role=role,
            status=Response.Status.SUBMITTED,
            source=Response.Source.ISSUE,
            external_id=source_id,
            external_url=issue.url[:500] if isinstance(issue.url, str) and issue.url.startswith(("http://", "https://")) else "",
            external_author="" if wave.anonymous else str(issue.author or "")[:200],
            submitted_at=_submitted_at(issue.created_at, now),
            updated_at=now,
        )
        answers_apply(response=response, plan=plan, now=now, instrument_id=wave.instrument_id)
        response.mark_changed(now)
        rescore.request_rescore(team_ids=[team.pk], wave_ids=[wave.pk])
    (report.updated if existing else report.created).append(source_id)
    report.warnings.extend((source_id, note) for note in notes)


def _submitted_at(created_at: datetime | None, now: datetime) -> datetime:
    if isinstance(created_at, datetime) and timezone.is_aware(created_at):
        return created_at
    return now


def issue_responses_import(
    *, wave: Wave, team: Team, issues: Sequence[IssueForm], role: str = Role.APP_DEVELOPER
) -> ImportReport:
    """Store each issue's answers as a submitted response of `team` in `wave`.

    Idempotent: an issue already imported (same source id in this wave) is updated when its body
    changed and left alone otherwise. Each issue is its own transaction, so one bad issue does not
    stop the others; skipped issues come back with the reason. A closed wave is refused as a whole
    (ImportRefused): a late answer would change results already reported and released, so an admin
    reopens the wave first (`surveys.services.waves.wave_reopen`).
    """
    if team.organization_id != wave.organization_id:
        raise ImportRefused(f"{team} does not belong to the organization of {wave}.")
    if role not in Role.values:
        raise ImportRefused(f"Unknown role {role!r}.")
    if wave.has_closed(timezone.now()):
        raise ImportRefused(wave.closed_message())
    spec = wave.instrument.spec()
    report = ImportReport()
    seen: set[str] = set()
    for issue in issues:
        problem = _problem(issue)
        source_id = str(getattr(issue, "source_id", "") or "")[:MAX_SOURCE_ID].strip()
        if problem:
            report.skipped.append((source_id, problem))
            continue
        if source_id in seen:
            report.skipped.append((source_id, "The same issue appears twice in this import."))
            continue
        seen.add(source_id)
        _import_one(wave=wave, team=team, issue=issue, role=role, spec=spec, report=report)
    return report
