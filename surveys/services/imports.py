"""Importing answers written through GitHub issue forms into a wave, idempotent by the issue's source id.

An issue that names its identity (`github:owner/name#N`) is found again whatever path imported it first: by
that identity as the source id, or by the issue's page stored as the response's external URL (the collector
names its responses after their author). An answer longer than the text limit refuses the whole issue with
the reason: nothing is cut and nothing half-imported. Text answers are stored exactly as written. A section
whose heading is no field of the form is reported and stored on its own (`Response.unmatched_sections`),
never merged into another answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessor import rescore
from assessor.models import Team
from surveys import conf
from surveys.answers import AnswerError, CheckedAnswer, check_value
from surveys.instruments import InstrumentSpec
from surveys.issueforms import IssueForm, identity_url, issue_answers
from surveys.models import Instrument, Response, Role, Wave
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


class _Refused(ValueError):
    """One issue that cannot be imported as written; the message says why."""


def _checked(spec: InstrumentSpec, raw: dict[str, object]) -> dict[str, CheckedAnswer | None]:
    """The answers to store; _Refused when one does not fit (too long, say): dropping it would lose what was written."""
    checked: dict[str, CheckedAnswer | None] = {}
    limit = conf.max_text_length()
    for key, value in raw.items():
        question = spec.question(key)
        if question is None:
            continue
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")
            if question.qtype == "text" and len(value) > limit:
                raise _Refused(
                    f"The answer to {question.text!r} has {len(value)} characters, over the limit of {limit}; "
                    "the issue was not imported."
                )
        try:
            answer = check_value(question, value, text_limit=limit)
        except AnswerError as exc:
            raise _Refused(f"The answer to {question.text!r} cannot be stored: {exc} The issue was not imported.") from exc
        if answer is not None and question.qtype == "text" and isinstance(value, str):
            answer = CheckedAnswer(value=value, text=value, level=None)  # as written: no stripping
        checked[key] = answer
    return checked


def _aliases(wave: Wave) -> dict[str, str]:
    """Labels the fields of the wave's form had in its other loaded versions, label -> field id."""
    aliases: dict[str, str] = {}
    others = Instrument.objects.filter(key=wave.instrument.key).exclude(pk=wave.instrument_id).order_by("-version")
    for other in others:
        for question in other.spec().questions():
            aliases.setdefault(question.text, question.key)
    return aliases


def _existing(wave: Wave, source_id: str, issue_id: str) -> Response | None:
    responses = Response.objects.select_for_update().filter(wave=wave)
    found = responses.filter(external_id=source_id).first()
    if found is None and issue_id:
        same_issue = Q(external_id__iexact=issue_id) | Q(external_url__iexact=identity_url(issue_id))
        found = responses.filter(same_issue, source=Response.Source.ISSUE).order_by("pk").first()
    return found


def _external_url(issue: IssueForm) -> str:
    if issue.issue_id:
        return identity_url(issue.issue_id)
    return issue.url[:500] if isinstance(issue.url, str) and issue.url.startswith(("http://", "https://")) else ""


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
    if not isinstance(issue.issue_id, str):
        return "The issue identity is not text."
    return None


def _import_one(
    *, wave: Wave, team: Team, issue: IssueForm, role: str, spec: InstrumentSpec, aliases: dict[str, str], report: ImportReport
) -> None:
    source_id = issue.source_id.strip()
    parsed = issue_answers(spec, issue.body, role=role, aliases=aliases)
    if parsed.found == 0:
        report.skipped.append((source_id, "No section of the form was found in the issue body."))
        return
    notes = list(parsed.warnings)
    try:
        checked = _checked(spec, parsed.raw)
    except _Refused as exc:
        report.skipped.append((source_id, str(exc)))
        return
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
        existing = _existing(wave, source_id, issue.issue_id)
        if existing is not None and existing.team_id != team.pk:
            report.skipped.append((source_id, "Already imported for another team of this wave."))
            return
        plan = answers_plan(spec=spec, role=existing.role if existing else role, stored=stored_answers(existing), checked=checked)
        unmatched = {heading: text or "" for heading, text in parsed.unknown.items()}
        if existing is not None and not plan.changes and existing.unmatched_sections == unmatched:
            report.unchanged.append(source_id)
            return
        response = existing or Response.objects.create(
            wave=wave,
            team=team,
            role=role,
            status=Response.Status.SUBMITTED,
            source=Response.Source.ISSUE,
            external_id=source_id,
            external_url=_external_url(issue),
            external_author="" if wave.anonymous else str(issue.author or "")[:200],
            submitted_at=_submitted_at(issue.created_at, now),
            updated_at=now,
            unmatched_sections=unmatched,
        )
        if response.unmatched_sections != unmatched:
            response.unmatched_sections = unmatched
            response.save(update_fields=["unmatched_sections"])
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

    Idempotent: an issue already imported (same source id in this wave, or the same issue identity by
    another path) is updated when its body changed and left alone otherwise. Each issue is its own
    transaction, so one bad issue does not stop the others; skipped issues come back with the reason.
    A closed wave is refused as a whole (ImportRefused): a late answer would change results already
    reported and released, so an admin reopens the wave first (`surveys.services.waves.wave_reopen`).
    """
    if team.organization_id != wave.organization_id:
        raise ImportRefused(f"{team} does not belong to the organization of {wave}.")
    if role not in Role.values:
        raise ImportRefused(f"Unknown role {role!r}.")
    if wave.has_closed(timezone.now()):
        raise ImportRefused(wave.closed_message())
    spec = wave.instrument.spec()
    aliases = _aliases(wave)
    report = ImportReport()
    seen: set[str] = set()
    for issue in issues:
        problem = _problem(issue)
        source_id = str(getattr(issue, "source_id", "") or "")[:MAX_SOURCE_ID].strip()
        if problem:
            report.skipped.append((source_id, problem))
            continue
        if source_id in seen or (issue.issue_id and issue.issue_id in seen):
            report.skipped.append((source_id, "The same issue appears twice in this import."))
            continue
        seen.update(filter(None, (source_id, issue.issue_id)))
        _import_one(wave=wave, team=team, issue=issue, role=role, spec=spec, aliases=aliases, report=report)
    return report
