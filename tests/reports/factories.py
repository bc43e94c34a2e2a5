"""Builders for report tests: organizations of any size, waves, submitted answers through the surveys models,
and scores through the real scoring service."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model

from assessor.models import Consumption, Membership, Organization, Team, TeamGroup
from surveys import conf as surveys_conf
from surveys.answers import check_value
from surveys.instruments import read_instrument_file
from surveys.models import Answer, Instrument, Question, Response, Role, Wave
from surveys.services import instrument_load

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROLE_FOR_KIND = {"application": Role.APP_DEVELOPER, "platform": Role.PLATFORM_ENGINEER, "infrastructure": Role.INFRA_ENGINEER}


@cache
def _instrument_spec() -> Any:
    return read_instrument_file(surveys_conf.default_instrument_file())


def load_instrument() -> Instrument:
    return instrument_load(spec=_instrument_spec()).instrument


def build_org(*, teams: int, slug: str = "acme", name: str = "Acme") -> tuple[Organization, list[Team]]:
    """An organization: one platform team per ten teams (at least one), the rest application teams in two
    groups, every application team consuming the first platform team."""
    organization = Organization.objects.create(name=name, slug=slug)
    groups = [
        TeamGroup.objects.create(organization=organization, name="Shop", slug="shop"),
        TeamGroup.objects.create(organization=organization, name="Back office", slug="back-office"),
    ]
    providers = max(1, teams // 10)
    rows = []
    for index in range(teams):
        kind = "platform" if index < providers else "application"
        rows.append(
            Team(
                organization=organization,
                name=f"{'Platform' if kind == 'platform' else 'App'} {index:04d}",
                slug=f"team-{index:04d}",
                kind=kind,
                group=groups[index % 2] if kind == "application" else None,
            )
        )
    created = Team.objects.bulk_create(rows)
    platform = created[0]
    Consumption.objects.bulk_create(
        [Consumption(consumer=team, provider=platform) for team in created if team.kind == "application"]
    )
    return organization, created


def make_wave(
    organization: Organization,
    instrument: Instrument,
    *,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    teams: Iterable[Team] = (),
) -> Wave:
    wave = Wave.objects.create(
        organization=organization, instrument=instrument, name=name, opens_at=opens_at, closes_at=closes_at
    )
    wave.teams.set(list(teams))
    return wave


@dataclass
class Answers:
    """What one respondent answers; maturity answers pick the option at `level` (per aspect overrides)."""

    level: int = 2
    levels: dict[str, int] = field(default_factory=dict)
    target: int | None = 3
    needs: Sequence[str] = ()
    delivery: str = "ticket"
    wait: str = "weeks"
    provides: Sequence[str] = ()
    consumer_view: int | None = None  # providers: how they think their consumers see them
    pains: str = ""
    suggestions: str = ""


def _raw_values(instrument: Instrument, role: str, answers: Answers) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for question in instrument.spec().questions():
        if not question.shown_to(role):
            continue
        if question.is_maturity:
            wanted = answers.levels.get(question.aspect or "", answers.level)
            if question.perspective == "consumers":
                if answers.consumer_view is None:
                    continue
                wanted = answers.consumer_view
            option = next((o for o in question.options if o.level == wanted), None)
            if option is not None:
                values[question.key] = option.value
        elif question.qtype == "target_level" and answers.target is not None:
            values[question.key] = answers.target
        elif question.capability and question.facet == "need" and question.capability in answers.needs:
            values[question.key] = "need_yes"
        elif question.capability and question.facet == "delivery" and question.capability in answers.needs:
            values[question.key] = answers.delivery
        elif question.capability and question.facet == "wait" and question.capability in answers.needs:
            values[question.key] = answers.wait
        elif question.capability and question.facet == "provide" and question.capability in answers.provides:
            values[question.key] = "provide_yes"
        elif question.key == "coop.pains" and answers.pains:
            values[question.key] = answers.pains
        elif question.key == "coop.suggestions" and answers.suggestions:
            values[question.key] = answers.suggestions
    return values


def submit(
    wave: Wave,
    team_answers: Sequence[tuple[Team, Answers]],
    *,
    when: datetime | None = None,
    status: str = Response.Status.SUBMITTED,
) -> list[Response]:
    """One response per (team, answers) pair, stored with its answers in a few bulk inserts."""
    when = when or wave.opens_at + timedelta(hours=1)
    spec = wave.instrument.spec()
    question_ids = dict(Question.objects.filter(instrument=wave.instrument).values_list("key", "pk"))
    responses = [
        Response(
            wave=wave,
            team=team,
            role=ROLE_FOR_KIND[team.kind],
            status=status,
            updated_at=when,
            submitted_at=when if status == Response.Status.SUBMITTED else None,
        )
        for team, _ in team_answers
    ]
    Response.objects.bulk_create(responses)
    rows = []
    for response, (team, answers) in zip(responses, team_answers, strict=True):
        for key, raw in _raw_values(wave.instrument, ROLE_FOR_KIND[team.kind], answers).items():
            question = spec.question(key)
            assert question is not None
            checked = check_value(question, raw, text_limit=10_000)
            if checked is not None:
                rows.append(
                    Answer(
                        response=response,
                        question_id=question_ids[key],
                        value=checked.value,
                        value_text=checked.text,
                        level=checked.level,
                        updated_at=when,
                    )
                )
    Answer.objects.bulk_create(rows, batch_size=2000)
    return responses


def rescore(*, now: datetime = NOW, wave_ids: Iterable[int] | None = None) -> None:
    from reports.rescore import scores_recompute

    scores_recompute(wave_ids=wave_ids, now=now)


def person(username: str, *, email: str | None = None, **extra: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com" if email is None else email, password="pw-for-tests-only", **extra
    )


def member(user: Any, organization: Organization, role: str, team: Team | None = None) -> Membership:
    return Membership.objects.create(user=user, organization=organization, role=role, team=team)


def add_evidence(team: Team, *, aspect: str, level: int, explanation: str, when: datetime = NOW) -> Any:
    """One evidence item for the team, from one signal of one local repository run, as the collectors store it."""
    from assessor.models import Repository
    from collectors.models import CollectionRun, Evaluation, Evidence, Signal

    repository = Repository.objects.create(team=team, name=f"{team.slug}-repo", local_path=f"/nowhere/{team.slug}")
    run = CollectionRun.objects.create(
        team=team, repository=repository, source_key=f"repo-{repository.pk}", collector="git", status="ok", complete=True
    )
    signal = Signal.objects.create(
        run=run, team=team, repository=repository, source_key=run.source_key, collector="git", key="catalog.entry",
        value=True, observed_at=when,
    )  # fmt: skip
    evaluation = Evaluation.objects.create(team=team, rules_version="1", evaluated_at=when, run=run, signal_count=1)
    evidence = Evidence.objects.create(
        evaluation=evaluation, team=team, aspect=aspect, level=level, direction="supports", weight=1.0,
        rule_key=f"{aspect}-{level}", rules_version="1", explanation=explanation, observed_at=when,
    )  # fmt: skip
    evidence.signals.add(signal)
    return signal
