"""Import issue bodies written with a GitHub issue form as submitted responses of one team in a wave.

A file that cannot be read (not UTF-8, too large, broken JSON) is reported and the others are imported;
the command then exits non-zero.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from assessor.models import Team
from surveys.issueforms import IssueForm, content_source_id, identity_from_url, split_marker
from surveys.models import Instrument, Role, Wave
from surveys.services import ImportRefused, issue_responses_import

MAX_FILE_BYTES = 5 * 1024 * 1024


def _from_json(item: Any, path: Path) -> IssueForm:
    """An issue as GitHub's REST API returns it (number, title, body, user.login, html_url, created_at)."""
    if not isinstance(item, dict):
        raise CommandError(f"{path}: expected an issue object or a list of them.")
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    try:
        created = parse_datetime(item["created_at"]) if isinstance(item.get("created_at"), str) else None
    except ValueError:
        created = None
    identity = identity_from_url(item.get("html_url")) or identity_from_url(item.get("repository_url"), item.get("number"))
    body = item.get("body") if isinstance(item.get("body"), str) else ""
    return IssueForm(
        source_id=identity or (content_source_id(body) if body else ""),
        issue_id=identity,
        body=body,
        title=str(item.get("title") or ""),
        author=str(user.get("login") or ""),
        url=str(item.get("html_url") or ""),
        created_at=created,
    )


def read_issue_file(path: Path) -> list[IssueForm]:
    """A `.json` file holds GitHub issue objects; any other file is one issue body. A body is identified by the
    issue its front matter or first-line marker names, else by a digest of its content (never by its name)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text.") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise CommandError(f"{path} is not valid JSON.") from exc
        return [_from_json(item, path) for item in (data if isinstance(data, list) else [data])]
    text = text.removeprefix("\ufeff")
    identity, body = split_marker(text.replace("\r\n", "\n"))
    if identity:
        return [IssueForm(source_id=identity, issue_id=identity, body=body, title=path.stem)]
    return [IssueForm(source_id=content_source_id(text), body=text, title=path.stem)]


class Command(BaseCommand):
    help = "Import issue bodies (Markdown files, or GitHub issue JSON) into a wave as one team's submitted responses."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Here --version names the instrument version, replacing Django's "show the Django version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Issue body files (.md) or GitHub issue JSON files (.json).")
        parser.add_argument("--instrument", required=True, help="The key of the instrument the form was turned into.")
        parser.add_argument("--version", type=int, dest="instrument_version", help="Instrument version (default: the wave's).")
        parser.add_argument("--wave", type=int, required=True, help="The id of the wave to import into.")
        parser.add_argument("--team", required=True, help="The slug of the team the responses belong to.")
        parser.add_argument("--role", default=Role.APP_DEVELOPER, choices=Role.values, help="The respondents' role.")

    def handle(self, *args: Any, **options: Any) -> None:
        wave = Wave.objects.select_related("instrument", "organization").filter(pk=options["wave"]).first()
        if wave is None:
            raise CommandError(f"No wave with id {options['wave']}.")
        instrument: Instrument = wave.instrument
        wanted_version = options["instrument_version"]
        if instrument.key != options["instrument"] or wanted_version not in (None, instrument.version):
            asked = options["instrument"] + (f" version {wanted_version}" if wanted_version else "")
            raise CommandError(
                f"Wave {wave.pk} ({wave}) uses instrument {instrument.key} version {instrument.version}, not {asked}."
            )
        team = Team.objects.filter(organization=wave.organization, slug=options["team"]).first()
        if team is None:
            raise CommandError(f"No team {options['team']!r} in {wave.organization}.")
        issues: list[IssueForm] = []
        unread: list[str] = []
        for name in options["files"]:
            try:
                issues.extend(read_issue_file(Path(name)))
            except CommandError as exc:
                unread.append(str(exc))
                self.stderr.write(f"Not imported: {exc}")
        try:
            report = issue_responses_import(wave=wave, team=team, issues=issues, role=options["role"])
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        for source_id, reason in report.skipped:
            self.stderr.write(f"Skipped {source_id}: {reason}")
        for source_id, note in report.warnings:
            self.stderr.write(f"Note for {source_id}: {note}")
        self.stdout.write(f"{team} in {wave}: {report.summary()}.")
        if unread:
            raise CommandError(f"{len(unread)} file(s) could not be read; the others were imported.")
