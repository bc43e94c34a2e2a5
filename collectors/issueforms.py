"""Handing survey answers given through GitHub issue forms to the surveys app's importer.

When the organization has no open wave, the answers are skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assessor.models import Repository
from collectors.records import IssueRecord
from surveys.issueforms import IssueForm
from surveys.models import Wave
from surveys.services import ImportRefused, issue_responses_import


@dataclass(frozen=True)
class SurveyImport:
    imported: bool
    note: str


def _open_wave(organization_id: int) -> Wave | None:
    """The organization's open wave, preferring one whose questions come from an issue form."""
    waves = Wave.objects.filter(organization_id=organization_id).open().order_by("-opens_at")
    return waves.filter(instrument__source="issue_form").first() or waves.first()


def survey_wave_open(organization_id: int) -> bool:
    """Whether survey issues could be imported for the organization now."""
    return _open_wave(organization_id) is not None


def survey_issues_import(*, repository: Repository, issues: Sequence[IssueRecord]) -> SurveyImport:
    """Import issue-form answers for the repository's team into the organization's open wave."""
    wave = _open_wave(repository.team.organization_id)
    if wave is None:
        return SurveyImport(False, f"{len(issues)} survey issues not imported: the organization has no open survey wave.")
    forms = [
        IssueForm(
            source_id=f"github:{repository.github_full_name}#{issue.number}",
            body=issue.body,
            title=issue.title,
            author=issue.author,
            url=issue.url,
            created_at=issue.created_at,
        )
        for issue in issues
    ]
    try:
        report = issue_responses_import(wave=wave, team=repository.team, issues=forms)
    except ImportRefused as exc:
        return SurveyImport(False, f"{len(issues)} survey issues not imported into {wave}: {exc}")
    reasons = "; ".join(f"{source_id}: {reason}" for source_id, reason in report.skipped[:3])
    return SurveyImport(
        True,
        f"Survey issues imported into {wave} for {repository.team}: {report.summary()}." + (f" {reasons}" if reasons else ""),
    )
