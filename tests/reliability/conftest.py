"""Fixtures of the reliability tests: an open wave with invitations, snapshots of stored rows, a check for
values no store can hold, and a tally of generated inputs and injected faults, printed at the end of the run
(the figures in RELIABILITY.md)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings

from assessor.models import Team
from surveys import conf
from surveys.instruments import read_instrument_file
from surveys.models import Answer, Instrument, Invitation, Response, Wave
from surveys.services import instrument_load

# Every generated input and every injected fault is counted here; the summary prints the totals.
EXAMPLES: Counter[str] = Counter()
FAULTS: Counter[str] = Counter()
SURVIVED: Counter[str] = Counter()
SERVER_ERRORS: Counter[str] = Counter()
STATUSES: Counter[str] = Counter()

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_PURE = settings(FUZZ, max_examples=80)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not EXAMPLES and not FAULTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("reliability figures")
    for target, count in sorted(EXAMPLES.items()):
        write(f"examples  {target}: {count}")
    for kind, count in sorted(FAULTS.items()):
        write(f"faults    {kind}: {count} injected, {SURVIVED[kind]} survived")
    for target, count in sorted(STATUSES.items()):
        write(f"answers   {target}: {count}")
    write(f"5xx responses: {sum(SERVER_ERRORS.values())}")


@pytest.fixture
def instrument(db: None) -> Instrument:
    return instrument_load(spec=read_instrument_file(conf.default_instrument_file())).instrument


@pytest.fixture
def wave(demo_org: Any, instrument: Instrument) -> Wave:
    now = timezone.now()
    wave = Wave.objects.create(
        organization=demo_org,
        instrument=instrument,
        name="Reliability",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )
    wave.teams.set(Team.objects.filter(organization=demo_org))
    return wave


@pytest.fixture
def invite(wave: Wave) -> Callable[..., Invitation]:
    def make(team_slug: str = "checkout", role: str = "app_developer") -> Invitation:
        team = Team.objects.get(organization=wave.organization, slug=team_slug)
        invitation = Invitation.issue(wave=wave, team=team, role=role)
        invitation.save()
        return invitation

    return make


@pytest.fixture
def rescores(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Rescore requests recorded instead of queued (scoring is not what these tests are about)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("assessor.rescore.request_rescore", lambda **kwargs: calls.append(kwargs))
    return calls


def survey_snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every stored response and answer, in a stable order: what a rejected request must leave as it was."""
    responses = list(
        Response.objects.order_by("pk").values_list("pk", "status", "version", "submitted_at", "updated_at", "invitation_id")
    )
    answers = list(
        Answer.objects.order_by("pk").values_list(
            "pk", "response_id", "question_id", "value", "value_text", "level", "updated_at"
        )
    )
    return responses, answers


# --- values a store cannot hold (the CI push and cluster dumps must refuse them) ----------------------------

OVERFLOW = "\u0001overflow"  # a string the fuzz tests write into the JSON text as 1e400, read as an infinite float


def with_overflow(text: str) -> str:
    """The JSON text with each OVERFLOW string written as the number 1e400."""
    return text.replace(json.dumps(OVERFLOW), "1e400")


def holds_unstorable(text: str) -> bool | None:
    """Whether JSON text holds a number that is not finite or a string or key that is not storable text (a lone
    surrogate, a NUL), read independently of collectors.storable; None when Python cannot parse it at all."""
    try:
        document = json.loads(text)  # NaN and Infinity literals become floats here
    except (ValueError, RecursionError):
        return None
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return True
        if isinstance(value, dict):
            stack.extend(value.values())
            stack.extend(value.keys())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and ("\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)):
            return True
    return False
