"""Survey answers given through GitHub issue forms: who may give them, the queue for everyone else, and handing
them to the surveys app's importer.

An issue counts as an answer of the repository's team when its author is a member of that team (the GitHub login
on their membership) or GitHub calls them the repository's OWNER, a MEMBER of its organization or a COLLABORATOR.
Anyone else's issue waits in the queue (`SurveyIssue`) until an admin accepts it (it is imported at once, and from
then on like a member's) or rejects it (it never is). Each author gives one response per wave: when they opened
several issues, their newest one's answers update that response, and the older issues are not imported.
When the organization has no open wave, the answers are skipped with a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from assessor.models import Membership, Repository
from collectors.models import SurveyIssue
from collectors.records import IssueRecord
from collectors.storable import printable
from surveys.issueforms import IssueForm, issue_identity
from surveys.models import Response, Wave
from surveys.services import ImportRefused, issue_responses_import

TRUSTED_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
MAX_STORED_BODY = 256 * 1024
_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SurveyImport:
    imported: bool
    note: str


class SurveyQueueError(ValueError):
    """A decision on a queued issue that cannot be carried out; the message says why."""


@dataclass
class SortedIssues:
    """The fetched survey issues of one repository: those that count, and those held back with the reason."""

    importable: list[IssueRecord] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # waiting for an admin
    rejected: list[int] = field(default_factory=list)  # an admin said no

    def held_note(self) -> str:
        parts = []
        if self.held:
            parts.append(
                f"{len(self.held)} held back for an admin to review (the author is not a known member of the team): "
                + _numbers(self.held)
            )
        if self.rejected:
            parts.append(f"{len(self.rejected)} left out as rejected by an admin: {_numbers(self.rejected)}")
        return "; ".join(parts) + "." if parts else ""


def _numbers(numbers: Sequence[int]) -> str:
    shown = ", ".join(f"#{n}" for n in sorted(numbers)[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _open_wave(organization_id: int) -> Wave | None:
    """The organization's open wave, preferring one whose questions come from an issue form."""
    waves = Wave.objects.filter(organization_id=organization_id).open().order_by("-opens_at")
    return waves.filter(instrument__source="issue_form").first() or waves.first()


def survey_wave_open(organization_id: int) -> bool:
    """Whether survey issues could be imported for the organization now."""
    return _open_wave(organization_id) is not None


def _team_logins(repository: Repository) -> set[str]:
    logins = Membership.objects.filter(team_id=repository.team_id).exclude(github_login="")
    return {login.casefold() for login in logins.values_list("github_login", flat=True)}


def _is_member(issue: IssueRecord, members: set[str]) -> bool:
    return bool(issue.author) and (issue.author.casefold() in members or issue.author_association in TRUSTED_ASSOCIATIONS)


def _storable(text: str, limit: int) -> str:
    return printable(text).replace("\x00", "\ufffd")[:limit]


def survey_issues_sort(*, repository: Repository, issues: Sequence[IssueRecord], now: datetime) -> SortedIssues:
    """Split the issues into those that count for the team and those held back, queueing each new one held back
    (and refreshing a pending one whose text changed)."""
    members = _team_logins(repository)
    queued = {
        item.number: item for item in SurveyIssue.objects.filter(repository=repository, number__in=[i.number for i in issues])
    }
    result = SortedIssues()
    new: list[SurveyIssue] = []
    for issue in issues:
        item = queued.get(issue.number)
        if item is not None and item.status == SurveyIssue.Status.REJECTED:
            result.rejected.append(issue.number)
        elif (item is not None and item.status == SurveyIssue.Status.ACCEPTED) or _is_member(issue, members):
            result.importable.append(issue)
        else:
            result.held.append(issue.number)
            fields = _queue_fields(issue)
            if item is None:
                new.append(SurveyIssue(repository=repository, number=issue.number, received_at=now, **fields))
            elif any(getattr(item, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(item, name, value)
                item.save(update_fields=list(fields))
    SurveyIssue.objects.bulk_create(new, ignore_conflicts=True)  # a parallel run may have queued it already
    return result


def _queue_fields(issue: IssueRecord) -> dict[str, object]:
    url = issue.url if issue.url.startswith(("https://", "http://")) else ""
    return {
        "author": _storable(issue.author, 100),
        "association": _storable(issue.author_association, 40),
        "title": _storable(issue.title, 300),
        "body": _storable(issue.body, MAX_STORED_BODY),
        "url": url[:500],
        "opened_at": issue.created_at,
    }


def newest_per_author(issues: Iterable[IssueRecord]) -> tuple[list[IssueRecord], int]:
    """Each author's newest issue (by opening time, then number), and how many older ones that leaves out."""
    newest: dict[str, IssueRecord] = {}
    count = 0
    for issue in issues:
        count += 1
        key = issue.author.casefold()
        kept = newest.get(key)
        if kept is None or (issue.created_at or _OLDEST, issue.number) > (kept.created_at or _OLDEST, kept.number):
            newest[key] = issue
    return list(newest.values()), count - len(newest)


def author_source_id(author: str) -> str:
    """The source id of an author's response in a wave: one per author, whichever issue it came from. A digest of
    the login rather than the login, so the id names nobody (the wave may be anonymous)."""
    return "github-author:" + hashlib.sha256(author.casefold().encode()).hexdigest()[:32]


def _source_ids(
    wave: Wave, repository: Repository, issues: Sequence[IssueRecord], every: Sequence[IssueRecord]
) -> dict[int, str]:
    """The source id each chosen issue is imported under. A response imported before answers were kept per author
    is named after one issue (`github:owner/name#62`): that author's answers keep updating it."""
    per_issue: dict[str, IssueRecord] = {}
    for issue in every:
        per_issue[f"github:{repository.github_full_name}#{issue.number}"] = issue
        per_issue[issue_identity(repository.github_full_name, issue.number) or "-"] = issue
    earlier = (
        Response.objects.filter(wave=wave, external_id__in=list(per_issue)).order_by("-id").values_list("external_id", flat=True)
    )
    legacy: dict[str, str] = {}
    for external_id in earlier:
        legacy.setdefault(per_issue[external_id].author.casefold(), external_id)
    return {issue.number: legacy.get(issue.author.casefold(), author_source_id(issue.author)) for issue in issues}


def _import_into(wave: Wave, repository: Repository, importable: Sequence[IssueRecord]) -> tuple[str, int]:
    """Import each author's newest issue; the importer's summary (with a few skip reasons) and how many were superseded."""
    chosen, superseded = newest_per_author(importable)
    source_ids = _source_ids(wave, repository, chosen, importable)
    forms = [
        IssueForm(
            source_id=source_ids[issue.number],
            issue_id=issue_identity(repository.github_full_name, issue.number),
            body=issue.body,
            title=issue.title,
            author=issue.author,
            url=issue.url,
            created_at=issue.created_at,
        )
        for issue in chosen
    ]
    report = issue_responses_import(wave=wave, team=repository.team, issues=forms)
    by_id = {source_ids[issue.number]: issue.number for issue in chosen}
    reasons = "; ".join(f"#{by_id.get(source_id, '?')}: {reason}" for source_id, reason in report.skipped[:3])
    return report.summary() + "." + (f" {reasons}" if reasons else ""), superseded


def survey_issues_import(*, repository: Repository, issues: Sequence[IssueRecord], now: datetime | None = None) -> SurveyImport:
    """Import the answers of the repository's team into the organization's open wave; queue the rest for review."""
    ordered = survey_issues_sort(repository=repository, issues=issues, now=now or timezone.now())
    held = ordered.held_note()
    wave = _open_wave(repository.team.organization_id)
    if not ordered.importable:
        return SurveyImport(True, f"No survey issues imported: {held}" if held else "No survey issues to import.")
    if wave is None:
        note = f"{len(ordered.importable)} survey issues not imported: the organization has no open survey wave."
        return SurveyImport(False, note + (f" {held}" if held else ""))
    try:
        summary, superseded = _import_into(wave, repository, ordered.importable)
    except ImportRefused as exc:
        return SurveyImport(False, f"{len(ordered.importable)} survey issues not imported into {wave}: {exc}")
    note = f"Survey issues imported into {wave} for {repository.team}: {summary}"
    if superseded:
        note += f" {superseded} older issues replaced by a newer one of the same author (one response per author)."
    return SurveyImport(True, note + (f" {held}" if held else ""))


def _as_record(item: SurveyIssue) -> IssueRecord:
    return IssueRecord(
        number=item.number,
        title=item.title,
        body=item.body,
        author=item.author,
        url=item.url,
        created_at=item.opened_at,
        closed_at=None,
        author_association=item.association,
    )


def survey_issue_accept(*, item: SurveyIssue, user: object, now: datetime | None = None) -> str:
    """Accept a queued issue and import it into the organization's open wave at once (with the author's other
    accepted issues, the newest one counting). SurveyQueueError when there is no open wave: nothing changes."""
    repository = item.repository
    wave = _open_wave(repository.team.organization_id)
    if wave is None:
        raise SurveyQueueError(f"{item}: the organization has no open survey wave to import it into; nothing changed.")
    with transaction.atomic():
        if item.status != SurveyIssue.Status.ACCEPTED:
            item.decide(status=SurveyIssue.Status.ACCEPTED, user=user, now=now or timezone.now())
    accepted = SurveyIssue.objects.filter(repository=repository, status=SurveyIssue.Status.ACCEPTED, author__iexact=item.author)
    try:
        summary, _ = _import_into(wave, repository, [_as_record(other) for other in accepted])
    except ImportRefused as exc:
        return f"{item} accepted, but not imported into {wave}: {exc}"
    return f"{item} accepted and imported into {wave}: {summary}"


def survey_issue_reject(*, item: SurveyIssue, user: object, now: datetime | None = None) -> str:
    """Reject a queued issue: it is never imported. An accepted one cannot be rejected (its answers are in)."""
    if item.status == SurveyIssue.Status.ACCEPTED:
        raise SurveyQueueError(f"{item} was accepted and imported already; its response stays.")
    if item.status != SurveyIssue.Status.REJECTED:
        item.decide(status=SurveyIssue.Status.REJECTED, user=user, now=now or timezone.now())
    return f"{item} rejected."
