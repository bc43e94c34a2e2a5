"""From catalog entities (plain dicts) to the organization they describe: pure functions, no ORM, no I/O."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from assessor.catalog.refs import entity_ref, parse_ref, ref_kind, ref_name

KINDS = ("application", "platform", "infrastructure")
PROVIDER_KINDS = ("platform", "infrastructure")
OWNED_KINDS = ("component", "api", "resource", "system")
# Kinds a catalog holds that say nothing about teams or repositories: read, then left alone.
IGNORED_KINDS = ("location", "domain", "template")
KNOWN_KINDS = ("group", "user", *OWNED_KINDS, *IGNORED_KINDS)
GITHUB_SLUG = "github.com/project-slug"
GITHUB_LOGIN = "github.com/user-login"
SOURCE_LOCATION = "backstage.io/source-location"
_GITHUB_URL = re.compile(r"^(?:url:)?https?://[^/]*github[^/]*/([\w.-]+)/([\w.-]+?)(?:\.git)?(?:/|$)")
# Relations that make the entity's owner use what the target's owner provides, with the kind a bare target names.
_USES = {"dependsOn": "component", "consumesApis": "api"}
_RELATION_TYPES = {"dependsOn": "dependsOn", "consumesApi": "consumesApis", "providesApi": "providesApis"}


class CatalogInvalid(ValueError):
    """The catalog cannot be imported as it stands; `errors` has one line per entity, starting with its ref."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class KindRules:
    """How a Group entity's team kind is read: an annotation naming it, else its `spec.type` through a mapping."""

    annotation: str = ""
    types: dict[str, str] = field(default_factory=dict)
    default: str = "application"

    def kind_of(self, entity: dict[str, Any]) -> str:
        annotations = (entity.get("metadata") or {}).get("annotations") or {}
        named = str(annotations.get(self.annotation, "")).strip().lower() if self.annotation else ""
        if named in KINDS:
            return named
        return self.types.get(str((entity.get("spec") or {}).get("type", "")).strip().lower(), self.default)


def parse_kind_types(text: str) -> dict[str, str]:
    """`platform=platform,infra=infrastructure` as a mapping from `spec.type` to team kind."""
    mapping: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        spec_type, sep, kind = item.partition("=")
        if not sep or kind.strip().lower() not in KINDS:
            raise ValueError(f"{item!r} is not type=kind with kind one of {', '.join(KINDS)}")
        mapping[spec_type.strip().lower()] = kind.strip().lower()
    return mapping


@dataclass(frozen=True)
class GroupPlan:
    ref: str
    slug: str
    name: str


@dataclass(frozen=True)
class TeamPlan:
    ref: str
    slug: str
    name: str
    kind: str
    description: str
    group_ref: str | None


@dataclass(frozen=True)
class MemberPlan:
    ref: str
    username: str
    email: str
    github_login: str
    team_ref: str


@dataclass(frozen=True)
class RepositoryPlan:
    ref: str
    name: str
    github_full_name: str
    team_ref: str


@dataclass(frozen=True)
class LinkPlan:
    ref: str
    consumer_ref: str
    provider_ref: str
    provenance: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class CatalogPlan:
    groups: tuple[GroupPlan, ...] = ()
    teams: tuple[TeamPlan, ...] = ()
    members: tuple[MemberPlan, ...] = ()
    repositories: tuple[RepositoryPlan, ...] = ()
    links: tuple[LinkPlan, ...] = ()
    notes: tuple[str, ...] = ()


def _spec(entity: dict[str, Any]) -> dict[str, Any]:
    spec = entity.get("spec")
    return spec if isinstance(spec, dict) else {}


def _annotations(entity: dict[str, Any]) -> dict[str, Any]:
    annotations = (entity.get("metadata") or {}).get("annotations")
    return annotations if isinstance(annotations, dict) else {}


def _targets(entity: dict[str, Any], key: str, default_kind: str) -> list[str]:
    """The refs under spec[key] (one or a list) and in `relations`, as full refs."""
    value = _spec(entity).get(key)
    listed = value if isinstance(value, list) else []
    texts = [value] if isinstance(value, str) else [item for item in listed if isinstance(item, str)]
    texts = [text for text in texts if text.strip()]
    refs = [parse_ref(text, default_kind=default_kind) for text in texts]
    relation_types = {name for name, spec_key in _RELATION_TYPES.items() if spec_key == key}
    relation_types |= {"ownedBy"} if key == "owner" else set()
    relation_types |= {"memberOf"} if key == "memberOf" else set()
    relation_types |= {"childOf"} if key == "parent" else set()
    relation_types |= {"parentOf"} if key == "children" else set()
    relations = entity.get("relations")
    for relation in relations if isinstance(relations, list) else []:
        if isinstance(relation, dict) and relation.get("type") in relation_types and relation.get("targetRef"):
            refs.append(parse_ref(str(relation["targetRef"]), default_kind=default_kind))
    return sorted(set(refs))


def _checked(documents: list[Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    entities: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for number, document in enumerate(documents, start=1):
        if document is None:
            continue
        metadata = document.get("metadata") if isinstance(document, dict) else None
        if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str) or not metadata["name"]:
            errors.append(f"entity #{number}: not an entity with kind and metadata.name")
            continue
        try:
            ref = entity_ref(document)
        except ValueError as exc:
            errors.append(f"entity #{number}: {exc}")
            continue
        if ref_kind(ref) not in KNOWN_KINDS:
            errors.append(f"{ref}: unknown kind {document.get('kind')!r}")
        elif ref in entities:
            errors.append(f"{ref}: appears twice")
        else:
            entities[ref] = document
    return entities, errors


def _github_full_name(entity: dict[str, Any]) -> str:
    annotations = _annotations(entity)
    slug = str(annotations.get(GITHUB_SLUG, "")).strip()
    if slug.count("/") == 1 and all(slug.split("/")):
        return slug
    match = _GITHUB_URL.match(str(annotations.get(SOURCE_LOCATION, "")).strip())
    return f"{match[1]}/{match[2]}" if match else ""


def plan_catalog(documents: list[Any], *, rules: KindRules) -> CatalogPlan:
    """What the organization looks like according to these entities; every problem at once, by entity ref."""
    entities, errors = _checked(documents)
    notes: list[str] = []

    def targets(ref: str, key: str, default_kind: str) -> list[str]:
        try:
            found = _targets(entities[ref], key, default_kind)
        except ValueError as exc:
            errors.append(f"{ref}: {key}: {exc}")
            return []
        for target in found:
            if target not in entities:
                errors.append(f"{ref}: {key} {target} is not in the catalog")
        return [target for target in found if target in entities]

    group_refs = [ref for ref in entities if ref_kind(ref) == "group"]
    parents: dict[str, str | None] = {ref: next(iter(targets(ref, "parent", "group")), None) for ref in group_refs}
    for ref in group_refs:
        for child in targets(ref, "children", "group"):
            if ref_kind(child) == "group" and parents.get(child) is None:
                parents[child] = ref
    has_children = {parent for parent in parents.values() if parent}
    # Teams are the groups without child groups; their parents are the groups of teams. Anything above those
    # (a division, the whole company) has no place in a one-level grouping and is left out.
    with_children = {parent for ref in group_refs if ref not in has_children and (parent := parents[ref])}
    notes.extend(f"{ref}: above the groups of teams, left out" for ref in sorted(has_children - with_children))
    groups = tuple(GroupPlan(ref, _slug(ref_name(ref)), _display_name(entities[ref])) for ref in sorted(with_children))
    teams = tuple(
        TeamPlan(
            ref=ref,
            slug=_slug(ref_name(ref)),
            name=_display_name(entities[ref]),
            kind=rules.kind_of(entities[ref]),
            description=str((entities[ref].get("metadata") or {}).get("description") or "").strip(),
            group_ref=parents[ref] if parents[ref] in with_children else None,
        )
        for ref in sorted(group_refs)
        if ref not in has_children
    )
    team_by_ref = {team.ref: team for team in teams}
    for slug, refs in _duplicates({team.ref: team.slug for team in teams}).items():
        errors.append(f"{', '.join(refs)}: both become the team {slug!r}")

    members: list[MemberPlan] = []
    first_team_of: dict[str, str] = {}
    for ref in sorted(ref for ref in entities if ref_kind(ref) == "user"):
        entity = entities[ref]
        profile = _spec(entity).get("profile") or {}
        for group_ref in targets(ref, "memberOf", "group"):
            if group_ref not in team_by_ref:
                notes.append(f"{ref}: member of {group_ref}, which is not a team: no membership")
                continue
            first_team_of.setdefault(ref, group_ref)
            members.append(
                MemberPlan(
                    ref=f"{ref}>{group_ref}",
                    username=ref_name(ref),
                    email=str(profile.get("email") or "").strip() if isinstance(profile, dict) else "",
                    github_login=str(_annotations(entity).get(GITHUB_LOGIN, "")).strip(),
                    team_ref=group_ref,
                )
            )

    owner_team: dict[str, str] = {}
    for ref in sorted(ref for ref in entities if ref_kind(ref) in OWNED_KINDS):
        owners = targets(ref, "owner", "group")
        if not owners:
            if not _spec(entities[ref]).get("owner"):
                errors.append(f"{ref}: has no spec.owner")
            continue
        owner = owners[0]
        team = owner if owner in team_by_ref else first_team_of.get(owner)
        if team is None:
            notes.append(f"{ref}: owned by {owner}, which is not a team: not attached to any team")
        else:
            owner_team[ref] = team

    repositories: dict[str, RepositoryPlan] = {}
    for ref, team in owner_team.items():
        full_name = _github_full_name(entities[ref])
        key = f"github:{full_name.lower()}"
        if not full_name:
            continue
        if key in repositories and repositories[key].team_ref != team:
            notes.append(f"{ref}: {full_name} already belongs to {repositories[key].team_ref}; kept there")
            continue
        repositories.setdefault(key, RepositoryPlan(key, full_name.split("/")[1], full_name, team))

    providers: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(dict)
    for ref, team in owner_team.items():
        providers[ref].setdefault(team, [])
    for ref in owner_team:
        for api in targets(ref, "providesApis", "api"):
            if api in owner_team:
                providers[api].setdefault(owner_team[ref], []).append({"entity": ref, "relation": "providesApi", "target": api})

    links: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for ref, consumer in owner_team.items():
        for key, default_kind in _USES.items():
            relation = "consumesApi" if key == "consumesApis" else key
            for target in targets(ref, key, default_kind):
                for provider, via in providers.get(target, {}).items():
                    if provider == consumer or team_by_ref[consumer].kind != "application":
                        continue
                    if team_by_ref[provider].kind not in PROVIDER_KINDS:
                        continue
                    entry = [{"entity": ref, "relation": relation, "target": target}, *via]
                    links[(consumer, provider)].extend(item for item in entry if item not in links[(consumer, provider)])

    if errors:
        raise CatalogInvalid(sorted(errors))
    return CatalogPlan(
        groups=groups,
        teams=teams,
        members=tuple(members),
        repositories=tuple(sorted(repositories.values(), key=lambda repo: repo.ref)),
        links=tuple(
            LinkPlan(f"{consumer}>{provider}", consumer, provider, tuple(provenance))
            for (consumer, provider), provenance in sorted(links.items())
        ),
        notes=tuple(notes),
    )


def _slug(name: str) -> str:
    """A catalog name (letters, digits, `-`, `_`, `.`) as a URL slug."""
    return re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")[:80]


def _display_name(entity: dict[str, Any]) -> str:
    profile = _spec(entity).get("profile")
    display = profile.get("displayName") if isinstance(profile, dict) else None
    metadata = entity.get("metadata") or {}
    return str(display or metadata.get("title") or metadata["name"]).strip()[:200]


def _duplicates(slugs: dict[str, str]) -> dict[str, list[str]]:
    by_slug: dict[str, list[str]] = defaultdict(list)
    for ref, slug in slugs.items():
        by_slug[slug].append(ref)
    return {slug: refs for slug, refs in by_slug.items() if len(refs) > 1}
