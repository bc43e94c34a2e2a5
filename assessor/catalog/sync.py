"""Bringing an organization in line with its catalog: keyed by entity ref, in one transaction, dry run included.

Other sources (a GitHub organization) feed the same sync with refs of their own, written `ORIGIN::ref`. Each
source sweeps and prunes only what carries its own origin, and never takes over a row another source made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError

from assessor.catalog.entities import CatalogPlan, KindRules, parse_kind_types, plan_catalog
from assessor.catalog.source import read_entities
from assessor.models import Consumption, Membership, Organization, Repository, Team, TeamGroup


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # gone from the catalog, left in place without --prune
    notes: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.removed)


def kind_rules() -> KindRules:
    try:
        types = parse_kind_types(settings.CATALOG_KIND_TYPES)
    except ValueError as exc:
        raise ImproperlyConfigured(f"CATALOG_KIND_TYPES: {exc}") from exc
    return KindRules(annotation=settings.CATALOG_KIND_ANNOTATION, types=types)


def catalog_sync_from(*, organization: Organization, source: str, token: str, dry_run: bool, prune: bool) -> SyncReport:
    """Read the catalog at `source` and sync the organization with it."""
    documents = read_entities(source, token=token, timeout=settings.CATALOG_TIMEOUT)
    plan = plan_catalog(documents, rules=kind_rules())
    return catalog_sync(organization=organization, plan=plan, dry_run=dry_run, prune=prune)


ORIGIN_MARK = "::"


def origin_of(ref: str) -> str:
    """The source a stored ref came from: "" for the Backstage catalog, else the part before `::`."""
    origin, sep, _ = ref.partition(ORIGIN_MARK)
    return origin if sep else ""


def _claim(current: str, ref: str) -> str:
    """The ref to store on a row matched by name: the plan's, unless another source made the row."""
    return ref if not current or origin_of(current) == origin_of(ref) else current


def _update(instance: models.Model, values: dict[str, Any], label: str, report: SyncReport) -> None:
    """Set the fields that differ and save only those, noting each change as `field: old → new`."""
    changes = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if not changes:
        return
    described = ", ".join(f"{name}: {_shown(getattr(instance, name))} → {_shown(value)}" for name, value in changes.items())
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save(update_fields=list(changes))
    report.changed.append(f"{label} ({described})")


def _shown(value: Any) -> str:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list):
        return f"{len(value)} relations"
    return repr(value) if value not in ("", None) else "(none)"


def catalog_sync(*, organization: Organization, plan: CatalogPlan, dry_run: bool, prune: bool, origin: str = "") -> SyncReport:
    """Add and change what the plan says; remove what came from this source (`origin`, "" for the catalog) and
    left it only when `prune`. A dry run does the same work and rolls it back, so it reports exactly what a
    real run would do. A plan from another source carries refs already written `origin::ref`."""
    report = SyncReport(notes=list(plan.notes))
    with transaction.atomic():
        groups = _sync_groups(organization, plan, report)
        teams = _sync_teams(organization, plan, groups, report)
        _sync_members(organization, plan, teams, report)
        _sync_repositories(organization, plan, teams, report)
        _sync_links(organization, plan, teams, report)
        _sweep(organization, plan, report, prune=prune, origin=origin)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _sync_groups(organization: Organization, plan: CatalogPlan, report: SyncReport) -> dict[str, TeamGroup]:
    existing = list(organization.groups.all())
    by_ref = {group.source_ref: group for group in existing if group.source_ref}
    by_slug = {group.slug: group for group in existing}
    result: dict[str, TeamGroup] = {}
    for spec in plan.groups:
        group = by_ref.get(spec.ref) or by_slug.get(spec.slug)
        if group is None:
            group = TeamGroup.objects.create(organization=organization, slug=spec.slug, name=spec.name, source_ref=spec.ref)
            report.added.append(f"group {spec.slug}")
        else:
            _update(group, {"name": spec.name, "source_ref": _claim(group.source_ref, spec.ref)}, f"group {group.slug}", report)
        result[spec.ref] = group
    return result


def _sync_teams(
    organization: Organization, plan: CatalogPlan, groups: dict[str, TeamGroup], report: SyncReport
) -> dict[str, Team]:
    existing = list(organization.teams.all())
    by_ref = {team.source_ref: team for team in existing if team.source_ref}
    by_slug = {team.slug: team for team in existing}
    result: dict[str, Team] = {}
    for spec in plan.teams:
        group = groups.get(spec.group_ref) if spec.group_ref else None
        team = by_ref.get(spec.ref) or by_slug.get(spec.slug)
        if team is None:
            team = Team.objects.create(
                organization=organization,
                slug=spec.slug,
                name=spec.name,
                kind=spec.kind,
                group=group,
                description=spec.description,
                source_ref=spec.ref,
            )
            report.added.append(f"team {spec.slug} ({spec.kind})")
        else:
            values: dict[str, Any] = {"name": spec.name, "group": group, "source_ref": _claim(team.source_ref, spec.ref)}
            if spec.description:
                values["description"] = spec.description
            if not team.kind_overridden:
                values["kind"] = spec.kind
            _update(team, values, f"team {team.slug}", report)
        result[spec.ref] = team
    return result


def _sync_members(organization: Organization, plan: CatalogPlan, teams: dict[str, Team], report: SyncReport) -> None:
    user_model = get_user_model()
    users = {user.username: user for user in user_model.objects.filter(username__in={m.username for m in plan.members})}
    existing = list(organization.memberships.select_related("user"))
    by_ref = {membership.source_ref: membership for membership in existing if membership.source_ref}
    by_key = {(membership.user_id, membership.team_id): membership for membership in existing}
    for spec in plan.members:
        user = users.get(spec.username)
        if user is None:
            user = user_model(username=spec.username, email=spec.email)
            user.set_unusable_password()
            user.save()
            users[spec.username] = user
            report.added.append(f"person {spec.username}")
        elif spec.email and not user.email:
            _update(user, {"email": spec.email}, f"person {spec.username}", report)
        team = teams[spec.team_ref]
        membership = by_ref.get(spec.ref) or by_key.get((user.pk, team.pk))
        label = f"membership {spec.username} in {team.slug}"
        if membership is None:
            Membership.objects.create(
                user=user, organization=organization, team=team, github_login=spec.github_login, source_ref=spec.ref
            )
            report.added.append(label)
        else:
            values = {
                "team": team,
                "source_ref": _claim(membership.source_ref, spec.ref),
                "github_login": spec.github_login or membership.github_login,
            }
            _update(membership, values, label, report)


def _sync_repositories(organization: Organization, plan: CatalogPlan, teams: dict[str, Team], report: SyncReport) -> None:
    existing = list(Repository.objects.filter(team__organization=organization))
    by_ref = {repo.source_ref: repo for repo in existing if repo.source_ref}
    by_full_name = {repo.github_full_name.lower(): repo for repo in existing if repo.github_full_name}
    by_name = {repo.name: repo for repo in existing}
    for spec in plan.repositories:
        team = teams[spec.team_ref]
        repo = by_ref.get(spec.ref) or by_full_name.get(spec.github_full_name.lower()) or by_name.get(spec.name)
        if repo is None:
            Repository.objects.create(
                team=team,
                name=spec.name,
                github_full_name=spec.github_full_name,
                is_platform_repo=team.is_provider,
                source_ref=spec.ref,
            )
            report.added.append(f"repository {spec.github_full_name} of {team.slug}")
        else:
            values: dict[str, Any] = {"team": team, "source_ref": _claim(repo.source_ref, spec.ref)}
            if not repo.local_path:  # a local checkout stays the source it is collected from
                values["github_full_name"] = spec.github_full_name
            _update(repo, values, f"repository {repo}", report)


def _sync_links(organization: Organization, plan: CatalogPlan, teams: dict[str, Team], report: SyncReport) -> None:
    existing = list(Consumption.objects.filter(consumer__organization=organization))
    by_ref = {link.source_ref: link for link in existing if link.source_ref}
    by_pair = {(link.consumer_id, link.provider_id): link for link in existing}
    for spec in plan.links:
        consumer, provider = teams[spec.consumer_ref], teams[spec.provider_ref]
        link = by_ref.get(spec.ref) or by_pair.get((consumer.pk, provider.pk))
        label = f"link {consumer.slug} → {provider.slug}"
        if consumer.kind != Team.Kind.APPLICATION or not provider.is_provider:
            report.notes.append(f"{label}: skipped, kinds set by hand no longer make it a consumer link")
            continue
        provenance = list(spec.provenance)
        if link is None:
            Consumption.objects.create(consumer=consumer, provider=provider, source_ref=spec.ref, provenance=provenance)
            report.added.append(label)
        else:
            values = {
                "consumer": consumer,
                "provider": provider,
                "source_ref": _claim(link.source_ref, spec.ref),
                "provenance": provenance,
            }
            _update(link, values, label, report)


def _sweep(organization: Organization, plan: CatalogPlan, report: SyncReport, *, prune: bool, origin: str) -> None:
    """What came from this source earlier but is no longer in it: removed with `prune`, else listed as kept."""

    def own(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        queryset = queryset.exclude(source_ref="")
        if origin:
            return queryset.filter(source_ref__startswith=f"{origin}{ORIGIN_MARK}")
        return queryset.exclude(source_ref__contains=ORIGIN_MARK)

    stale: list[tuple[str, models.QuerySet[Any]]] = [
        (
            "link",
            own(Consumption.objects.filter(consumer__organization=organization)).exclude(
                source_ref__in=[link.ref for link in plan.links]
            ),
        ),
        (
            "repository",
            own(Repository.objects.filter(team__organization=organization)).exclude(
                source_ref__in=[repo.ref for repo in plan.repositories]
            ),
        ),
        (
            "membership",
            own(organization.memberships.all()).exclude(source_ref__in=[m.ref for m in plan.members]),
        ),
        ("team", own(organization.teams.all()).exclude(source_ref__in=[team.ref for team in plan.teams])),
        ("group", own(organization.groups.all()).exclude(source_ref__in=[g.ref for g in plan.groups])),
    ]
    for label, queryset in stale:
        for instance in queryset:
            if not prune:
                report.kept.append(f"{label} {instance}")
                continue
            try:
                with transaction.atomic():
                    instance.delete()
            except (ProtectedError, RestrictedError):
                report.kept.append(f"{label} {instance} (survey answers refer to it, so it stays)")
            else:
                report.removed.append(f"{label} {instance}")
