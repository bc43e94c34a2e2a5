"""An organization's teams, memberships, repositories and consumer links as CSV files, out and back in."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from assessor.models import Consumption, Membership, Organization, Repository, Team, TeamGroup

COLUMNS = {
    "teams.csv": ("slug", "name", "kind", "group_slug", "group_name", "description"),
    "memberships.csv": ("username", "email", "team", "role", "github_login"),
    "repositories.csv": ("team", "name", "github_full_name", "local_path", "is_platform_repo"),
    "links.csv": ("consumer", "provider"),
}
MAX_ROWS = 50_000


class OrgCSVInvalid(ValueError):
    """Some rows cannot be imported; `errors` has one line per problem, with file and line number."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)


def org_csv_export(*, organization: Organization, directory: Path) -> list[Path]:
    """Write the four files into `directory`; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    rows: dict[str, Iterator[tuple[object, ...]]] = {
        "teams.csv": (
            (t.slug, t.name, t.kind, t.group.slug if t.group else "", t.group.name if t.group else "", t.description)
            for t in organization.teams.select_related("group").order_by("slug")
        ),
        "memberships.csv": (
            (m.user.username, m.user.email, m.team.slug if m.team else "", m.role, m.github_login)
            for m in organization.memberships.select_related("user", "team").order_by("user__username", "team__slug")
        ),
        "repositories.csv": (
            (r.team.slug, r.name, r.github_full_name, r.local_path, "yes" if r.is_platform_repo else "no")
            for r in Repository.objects.filter(team__organization=organization)
            .select_related("team")
            .order_by("team__slug", "name")
        ),
        "links.csv": (
            (link.consumer.slug, link.provider.slug)
            for link in Consumption.objects.filter(consumer__organization=organization)
            .select_related("consumer", "provider")
            .order_by("consumer__slug", "provider__slug")
        ),
    }
    written = []
    for name, lines in rows.items():
        path = directory / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS[name])
            writer.writerows(lines)
        written.append(path)
    return written


def org_csv_import(*, organization: Organization, directory: Path) -> ImportReport:
    """Create or update from whichever of the four files `directory` holds; nothing is deleted. Every row is
    checked; if any is wrong, nothing at all is kept and each problem is reported with its file and line."""
    report = ImportReport()
    errors: list[str] = []
    importers: dict[str, Callable[[Organization, dict[str, str]], bool]] = {
        "teams.csv": _team_row,
        "memberships.csv": _membership_row,
        "repositories.csv": _repository_row,
        "links.csv": _link_row,
    }
    with transaction.atomic():
        for name, importer in importers.items():
            path = directory / name
            if not path.is_file():
                continue
            created = updated = 0
            for line, row in _rows(path, name, errors):
                try:
                    with transaction.atomic():
                        if importer(organization, row):
                            created += 1
                        else:
                            updated += 1
                except ValidationError as exc:
                    errors.extend(f"{name} line {line}: {message}" for message in _messages(exc))
            report.created[name], report.updated[name] = created, updated
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise OrgCSVInvalid(errors)
    return report


def _rows(path: Path, name: str, errors: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        errors.append(f"{name}: not UTF-8 text")
        return
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = tuple(reader.fieldnames or ())
    missing = [column for column in COLUMNS[name] if column not in header]
    if missing:
        errors.append(f"{name} line 1: missing columns {', '.join(missing)} (expected {','.join(COLUMNS[name])})")
        return
    try:
        for count, row in enumerate(reader, start=1):
            if count > MAX_ROWS:
                errors.append(f"{name}: more than {MAX_ROWS} rows")
                return
            if None in row:
                errors.append(f"{name} line {reader.line_num}: more values than columns")
                continue
            yield reader.line_num, {key: (value or "").strip() for key, value in row.items()}
    except csv.Error as exc:
        errors.append(f"{name} line {reader.line_num}: {exc}")


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{key}: {message}" for key, messages in exc.message_dict.items() for message in messages]
    return list(exc.messages)


def _team(organization: Organization, slug: str, column: str) -> Team:
    try:
        return organization.teams.get(slug=slug)
    except Team.DoesNotExist:
        raise ValidationError({column: f"no team {slug!r} in this organization"}) from None


def _team_row(organization: Organization, row: dict[str, str]) -> bool:
    group = None
    if row["group_slug"]:
        group = organization.groups.filter(slug=row["group_slug"]).first() or TeamGroup(
            organization=organization, slug=row["group_slug"], name=row["group_name"] or row["group_slug"]
        )
        if group.pk is None:
            group.full_clean()
            group.save()
    team = organization.teams.filter(slug=row["slug"]).first()
    created = team is None
    team = team or Team(organization=organization, slug=row["slug"])
    team.name, team.kind, team.group, team.description = row["name"], row["kind"], group, row["description"]
    team.full_clean()
    team.save()
    return created


def _membership_row(organization: Organization, row: dict[str, str]) -> bool:
    if not row["username"]:
        raise ValidationError({"username": "This field cannot be blank."})
    team = _team(organization, row["team"], "team") if row["team"] else None
    user_model = get_user_model()
    user = user_model.objects.filter(username=row["username"]).first()
    if user is None:
        user = user_model(username=row["username"], email=row["email"])
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif row["email"] and not user.email:
        user.email = row["email"]
        user.save(update_fields=["email"])
    membership = Membership.objects.filter(user=user, organization=organization, team=team).first()
    created = membership is None
    membership = membership or Membership(user=user, organization=organization, team=team)
    membership.role = row["role"] or Membership.Role.MEMBER
    membership.github_login = row["github_login"]
    membership.full_clean()
    membership.save()
    return created


def _repository_row(organization: Organization, row: dict[str, str]) -> bool:
    team = _team(organization, row["team"], "team")
    flag = row["is_platform_repo"].lower()
    if flag not in ("", "yes", "no", "true", "false", "1", "0"):
        raise ValidationError({"is_platform_repo": f"{row['is_platform_repo']!r} is not yes or no"})
    repo = Repository.objects.filter(team__organization=organization, name=row["name"]).first()
    created = repo is None
    repo = repo or Repository(name=row["name"])
    repo.team, repo.github_full_name, repo.local_path = team, row["github_full_name"], row["local_path"]
    repo.is_platform_repo = flag in ("yes", "true", "1") if flag else team.is_provider
    repo.full_clean()
    repo.save()
    return created


def _link_row(organization: Organization, row: dict[str, str]) -> bool:
    consumer = _team(organization, row["consumer"], "consumer")
    provider = _team(organization, row["provider"], "provider")
    if Consumption.objects.filter(consumer=consumer, provider=provider).exists():
        return False
    link = Consumption(consumer=consumer, provider=provider)
    link.full_clean()
    link.save()
    return True
