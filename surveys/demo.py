"""Demo survey data: the default instrument and its version 2, a closed wave on the first and an open one on
the second (which asks how capabilities reach each team), links and realistic answers.

Called by `manage.py seed_demo` after the demo organization exists. Running it again creates nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from assessor import rescore
from assessor.models import Organization, Team
from surveys import conf
from surveys.answers import check_value
from surveys.demo_answers import TeamProfile, respondent_answers, team_profiles
from surveys.instruments import InstrumentSpec, read_instrument_file
from surveys.models import Answer, Instrument, Invitation, Question, Response, Role, Wave
from surveys.selectors import invitation_response
from surveys.services import instrument_load

SEED = 2026
ORG_SIZES = {"1-10": "size_1_10", "11-100": "size_11_100", "101-500": "size_101_500", "501-2000": "size_501_2000"}


# People invited per team: (lowest, highest) for a small wave and for the big closed one. The closed wave is sized
# so that the reviewer export publishes most of its numbers at k=5: each team kind has 120 or more respondents
# (at half that, a few small cells make the complementary suppression withhold most of the export).
INVITED = {
    Role.APP_DEVELOPER: ((2, 3), (20, 24)),
    Role.MANAGER: ((0, 1), (2, 4)),
    Role.PLATFORM_ENGINEER: ((3, 4), (34, 40)),
    Role.INFRA_ENGINEER: ((2, 3), (34, 40)),
}
ROLES_OF_KIND = {
    Team.Kind.APPLICATION: (Role.APP_DEVELOPER, Role.MANAGER),
    Team.Kind.PLATFORM: (Role.PLATFORM_ENGINEER,),
    Team.Kind.INFRASTRUCTURE: (Role.INFRA_ENGINEER,),
}


def _roles(kind: str, rng: random.Random, *, big: bool = False) -> list[str]:
    return [role for role in ROLES_OF_KIND[kind] for _ in range(rng.randint(*INVITED[role][big]))]


def _populate(
    *,
    wave: Wave,
    spec: InstrumentSpec,
    teams: list[Team],
    profiles: dict[str, TeamProfile],
    org_size: str,
    shift: float,
    submit_share: float,
    draft_share: float,
    now: datetime,
    big: bool = False,
) -> tuple[int, int]:
    rng = random.Random(f"{SEED}:{wave.name}")  # noqa: S311 - demo data, not secrets
    question_ids = dict(Question.objects.filter(instrument=wave.instrument).values_list("key", "pk"))
    invitations = Invitation.objects.bulk_create(
        [Invitation.issue(wave=wave, team=team, role=role) for team in teams for role in _roles(team.kind, rng, big=big)]
    )
    teams_by_id = {team.pk: team for team in teams}
    pending: list[tuple[Response, dict[str, Any], datetime]] = []
    latest = min(now, wave.closes_at)
    # Every team submits at least once (its last link, if none before it did): the demo's pages then have
    # figures for every team, which the practices page's group sizes rely on.
    left = Counter(invitation.team_id for invitation in invitations)
    answered: set[int] = set()
    for invitation in invitations:
        roll = rng.random()
        left[invitation.team_id] -= 1
        forced = not left[invitation.team_id] and invitation.team_id not in answered
        if roll >= submit_share + draft_share and not forced:
            continue  # not started
        submitted = roll < submit_share or forced
        if submitted:
            answered.add(invitation.team_id)
        profile = profiles[teams_by_id[invitation.team_id].slug]
        values = respondent_answers(
            spec,
            invitation.role,
            profile,
            rng,
            shift=shift,
            org_size=org_size,
            sections=None if submitted else rng.randint(2, 6),
            tidy=not big,
        )
        when = wave.opens_at + (latest - wave.opens_at) * rng.uniform(0.05, 0.95)
        response = Response(
            wave=wave,
            team_id=invitation.team_id,
            invitation=invitation,
            role=invitation.role,
            status=Response.Status.SUBMITTED if submitted else Response.Status.DRAFT,
            version=1 if submitted else 2,
            updated_at=when,
            submitted_at=when if submitted else None,
            last_step="feedback" if submitted else "",
        )
        pending.append((response, values, when))
    Response.objects.bulk_create([response for response, _, _ in pending])
    answers = []
    for response, values, when in pending:
        for key, raw in values.items():
            question = spec.question(key)
            checked = check_value(question, raw, text_limit=conf.max_text_length()) if question else None
            if checked is not None:
                answers.append(
                    Answer(
                        response=response,
                        question_id=question_ids[key],
                        value=checked.value,
                        value_text=checked.text,
                        level=checked.level,
                        updated_at=when,
                    )
                )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(invitations), len(pending)


def _wave(
    organization: Organization, instrument: Instrument, name: str, opens_at: datetime, closes_at: datetime
) -> tuple[Wave, bool]:
    return Wave.objects.get_or_create(
        organization=organization,
        name=name,
        defaults={"instrument": instrument, "opens_at": opens_at, "closes_at": closes_at, "anonymous": False, "min_responses": 3},
    )


def _print_links(wave: Wave, stdout: TextIO) -> None:
    """A few links to try: not started (an application and a provider role), a draft, a submitted one."""
    invitations = Invitation.objects.filter(wave=wave, revoked_at__isnull=True).select_related("team", "response")
    picked: dict[str, Invitation] = {}
    for invitation in invitations.order_by("team__name", "pk"):
        response = invitation_response(invitation)
        state = "not started" if response is None else response.get_status_display().lower()
        side = "provider" if invitation.role in (Role.PLATFORM_ENGINEER, Role.INFRA_ENGINEER) else "application"
        picked.setdefault(f"{state}, {side}" if state == "not started" else state, invitation)
    stdout.write(
        f"Some invitation links of {wave.name} (open until {wave.closes_at:%d %B %Y}); "
        f"staff see them all at {conf.site_url()}/waves/{wave.pk}/invitations/\n"
    )
    for label in ("not started, application", "not started, provider", "draft", "submitted"):
        invitation = picked.get(label)
        if invitation is not None:
            where = f"{invitation.team.name}, {invitation.get_role_display()}"
            stdout.write(f"  {where} ({label.split(',')[0]}): {conf.site_url()}{invitation.path()}\n")


def seed(organization: Organization, stdout: TextIO) -> None:
    """Load the default instrument and add the demo waves, links and answers (idempotent)."""
    now = timezone.now()
    with transaction.atomic():
        instrument = instrument_load(spec=read_instrument_file(conf.default_instrument_file())).instrument
        newer = instrument_load(spec=read_instrument_file(conf.BUNDLED_INSTRUMENT_2)).instrument
        teams = list(Team.objects.filter(organization=organization).prefetch_related("consumes").order_by("name"))
        profiles = team_profiles([(t.slug, t.kind, [p.slug for p in t.consumes.all()]) for t in teams], seed=SEED)
        org_size = ORG_SIZES.get(organization.size, "size_2000_plus")
        plans = [  # name, instrument, opens, closes, shift of levels, share submitted, share left as drafts, big
            ("Spring 2026", instrument, now - timedelta(days=240), now - timedelta(days=205), -0.3, 0.85, 0.05, True),
            ("Autumn 2026", newer, now - timedelta(days=10), now + timedelta(days=21), 0.0, 0.6, 0.2, False),
        ]
        touched: list[int] = []
        for name, used, opens_at, closes_at, shift, submit_share, draft_share, big in plans:
            wave, created = _wave(organization, used, name, opens_at, closes_at)
            if not created:
                stdout.write(f"Survey wave {wave.name}: already there, unchanged.\n")
                continue
            wave.teams.set(teams)
            links, started = _populate(
                wave=wave,
                spec=used.spec(),
                teams=teams,
                profiles=profiles,
                org_size=org_size,
                shift=shift,
                submit_share=submit_share,
                draft_share=draft_share,
                now=now,
                big=big,
            )
            touched.append(wave.pk)
            stdout.write(f"Survey wave {wave.name}: {links} invitation links, {started} responses.\n")
        if touched:
            rescore.request_rescore(team_ids=[team.pk for team in teams], wave_ids=touched)
    autumn = Wave.objects.filter(organization=organization, name="Autumn 2026").first()
    if autumn is not None and autumn.is_open(now):
        _print_links(autumn, stdout)
