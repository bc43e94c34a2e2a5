"""Fixtures for the API tests: one organization with teams A, B and P, a person in every role, waves,
answers, evidence and scores; clients that call the API as each of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from assessor.auth_tokens import api_token_issue
from assessor.models import Consumption, Membership, Organization, Repository, Team, TeamGroup
from collectors.models import CollectionRun, Evaluation, Evidence, Signal
from collectors.models.runs import source_key_for
from surveys import conf
from surveys.instruments import InstrumentSpec, read_instrument_file
from surveys.models import Answer, Instrument, Invitation, Question, Response, Wave
from surveys.services import instrument_load, response_submit

ROLES = ("anonymous", "viewer", "member_a", "lead_a", "member_b", "admin", "superuser", "outsider")
ABOUT = {"about.team_size": "size_6_10", "about.tenure": "years_1_3"}


@pytest.fixture(autouse=True)
def api_settings(settings: Any) -> Any:
    """The service's own URLconf and REST settings; only the export's minimum group is fixed here."""
    settings.TAG_EXPORT_MIN_GROUP = 5
    return settings


def answers_for(spec: InstrumentSpec, role: str, *, level: int, capabilities: dict[str, str] | None = None) -> dict[str, Any]:
    """A complete, valid set of answers for a role: every maturity question at `level`, targets one above."""
    raw: dict[str, Any] = dict(ABOUT)
    for question in spec.questions():
        if not question.shown_to(role) or question.key in raw:
            continue
        if question.is_maturity:
            option = next((o for o in question.options if o.level == level), question.options[0])
            raw[question.key] = option.value
        elif question.qtype == "target_level" and question.aspect:
            raw[question.key] = str(min(4, level + 1))
    for key, value in (capabilities or {}).items():
        if spec.question(key) is not None and spec.question(key).shown_to(role):
            raw[key] = value
    return raw


def make_wave(organization: Organization, instrument: Instrument, name: str, *, opens: int, closes: int) -> Wave:
    now = timezone.now()
    wave = Wave.objects.create(
        organization=organization,
        instrument=instrument,
        name=name,
        opens_at=now + timedelta(days=opens),
        closes_at=now + timedelta(days=closes),
    )
    wave.teams.set(Team.objects.filter(organization=organization))
    return wave


def invite(wave: Wave, team: Team, role: str) -> Invitation:
    invitation = Invitation.issue(wave=wave, team=team, role=role)
    invitation.save()
    return invitation


def submit(invitation: Invitation, raw: dict[str, Any]) -> Response:
    """Submitted through the surveys service, at a moment the wave is open."""
    now = min(timezone.now(), invitation.wave.closes_at - timedelta(hours=1))
    return response_submit(invitation=invitation, version=0, raw=raw, now=now).response


def bulk_respondents(wave: Wave, team: Team, *, count: int, level: int, role: str, keys: dict[str, str] | None = None) -> None:
    """`count` submitted responses of a team, written directly (fast) with every maturity question at `level`."""
    now = timezone.now()
    questions = list(Question.objects.filter(instrument_id=wave.instrument_id))
    chosen: list[tuple[Question, Any, str, float | None]] = []
    for question in questions:
        if question.roles and role not in question.roles:
            continue
        if question.key in (keys or {}):
            value = (keys or {})[question.key]
            chosen.append((question, value, value, None))
        elif question.aspect and question.qtype == "single_choice":
            option = next((o for o in question.options if o.get("level") == level), None)
            if option is not None:
                chosen.append((question, option["value"], option["value"], float(level)))
    responses = Response.objects.bulk_create(
        [
            Response(wave=wave, team=team, role=role, status=Response.Status.SUBMITTED, updated_at=now, submitted_at=now)
            for _ in range(count)
        ]
    )
    Answer.objects.bulk_create(
        [
            Answer(response=response, question=question, value=value, value_text=text, level=lvl, updated_at=now)
            for response in responses
            for question, value, text, lvl in chosen
        ]
    )


@dataclass
class World:
    org: Organization
    other_org: Organization
    team_a: Team
    team_b: Team
    team_p: Team
    team_x: Team
    instrument: Instrument
    wave: Wave
    closed_wave: Wave
    scheduled_wave: Wave
    tokens: dict[str, str] = field(default_factory=dict)
    invitations: dict[str, Invitation] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    model_version_id: int = 0

    def client(self, role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[role]}")
        return client

    def visible_team_ids(self, role: str) -> set[int]:
        everything = {self.team_a.pk, self.team_b.pk, self.team_p.pk}
        return {
            "anonymous": set(),
            "viewer": everything,
            "member_a": {self.team_a.pk},
            "lead_a": {self.team_a.pk},
            "member_b": {self.team_b.pk},
            "admin": everything,
            "superuser": everything | {self.team_x.pk},
            "outsider": {self.team_x.pk},
        }[role]


def _users(world: World) -> None:
    user_model = get_user_model()
    memberships = {
        "viewer": (world.org, None, Membership.Role.VIEWER),
        "member_a": (world.org, world.team_a, Membership.Role.MEMBER),
        "lead_a": (world.org, world.team_a, Membership.Role.TEAM_LEAD),
        "member_b": (world.org, world.team_b, Membership.Role.MEMBER),
        "admin": (world.org, None, Membership.Role.ADMIN),
        "outsider": (world.other_org, None, Membership.Role.ADMIN),
    }
    for role in ROLES[1:]:
        user = user_model.objects.create_user(username=role, password="pw-for-tests-only", is_superuser=role == "superuser")
        if role in memberships:
            organization, team, kind = memberships[role]
            Membership.objects.create(user=user, organization=organization, team=team, role=kind)
        world.users[role] = user
        world.tokens[role] = api_token_issue(user=user)[1]


def make_evidence(team: Team, key: str) -> None:
    now = timezone.now()
    repository = Repository.objects.create(team=team, name=f"{team.slug}-service", local_path=f"/nonexistent/{team.slug}")
    source_key = source_key_for(repository)
    run = CollectionRun.objects.create(
        team=team, repository=repository, source_key=source_key, collector="git", status="ok", complete=True, finished_at=now
    )
    signal = Signal.objects.create(
        run=run,
        team=team,
        repository=repository,
        source_key=source_key,
        collector="git",
        key=key,
        value=True,
        observed_at=now,
        subject=team.slug,
    )
    evaluation = Evaluation.objects.create(team=team, rules_version="1", evaluated_at=now, run=run, signal_count=1)
    evidence = Evidence.objects.create(
        evaluation=evaluation,
        team=team,
        aspect="operations",
        level=3,
        direction="supports",
        weight=1.0,
        rule_key=f"rule.{key}",
        rules_version="1",
        explanation=f"{team.name} has {key}",
        observed_at=now,
    )
    evidence.signals.add(signal)


@pytest.fixture
def world(loaded_model: Any) -> World:
    return build_world(loaded_model.pk)


def build_world(model_version_id: int) -> World:
    """Two organizations: Acme (two application teams consuming a platform, three waves, answers, evidence,
    scores, a user per role) and Other (one team), for checking who sees what."""
    instrument = instrument_load(spec=read_instrument_file(conf.default_instrument_file())).instrument
    org = Organization.objects.create(name="Acme", slug="acme", size=Organization.Size.S101_500)
    other = Organization.objects.create(name="Other", slug="other", size=Organization.Size.S1_10)
    group = TeamGroup.objects.create(organization=org, name="Shop", slug="shop")
    team_a = Team.objects.create(organization=org, name="Team A", slug="team-a", kind="application", group=group)
    team_b = Team.objects.create(organization=org, name="Team B", slug="team-b", kind="application", group=group)
    team_p = Team.objects.create(organization=org, name="Platform", slug="team-p", kind="platform")
    team_x = Team.objects.create(organization=other, name="Team X", slug="team-x", kind="application")
    Consumption.objects.create(consumer=team_a, provider=team_p)
    Consumption.objects.create(consumer=team_b, provider=team_p)
    world = World(
        org=org,
        other_org=other,
        team_a=team_a,
        team_b=team_b,
        team_p=team_p,
        team_x=team_x,
        instrument=instrument,
        closed_wave=make_wave(org, instrument, "Spring", opens=-60, closes=-30),
        wave=make_wave(org, instrument, "Autumn", opens=-1, closes=7),
        scheduled_wave=make_wave(org, instrument, "Winter", opens=30, closes=60),
        model_version_id=model_version_id,
    )
    elsewhere = make_wave(other, instrument, "Elsewhere", opens=-60, closes=-30)
    _users(world)
    spec = instrument.spec()
    submit(invite(elsewhere, team_x, "app_developer"), answers_for(spec, "app_developer", level=4))
    needs = {"cap.data.need": "need_yes", "cap.data.delivery": "ticket", "cap.data.wait": "weeks"}
    for key, (team, role, level) in {
        "a": (team_a, "app_developer", 2),
        "b": (team_b, "app_developer", 3),
        "p": (team_p, "platform_engineer", 3),
    }.items():
        submit(invite(world.wave, team, role), answers_for(spec, role, level=level, capabilities=needs))
        world.invitations[key] = invite(world.wave, team, role)
    submit(invite(world.closed_wave, team_a, "app_developer"), {**answers_for(spec, "app_developer", level=1)})
    make_evidence(team_a, "ci.pipeline")
    make_evidence(team_b, "k8s.gitops")
    make_evidence(team_x, "ci.other")
    from reports.rescore import scores_recompute

    scores_recompute()
    return world


@pytest.fixture
def as_role(world: World) -> Callable[[str], APIClient]:
    return world.client


def team_ids_in(
    payload: Any, keys: Iterable[str] = ("team_id", "provider_id"), list_keys: Iterable[str] = ("teams",)
) -> set[int]:
    """Every team id anywhere in a JSON payload (scalars under `keys`, lists under `list_keys`)."""
    found: set[int] = set()
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key in keys and isinstance(value, int):
                found.add(value)
            elif key in list_keys and isinstance(value, list) and all(isinstance(item, int) for item in value):
                found |= set(value)
            else:
                found |= team_ids_in(value, keys, list_keys)
    elif isinstance(payload, list):
        for item in payload:
            found |= team_ids_in(item, keys, list_keys)
    return found
