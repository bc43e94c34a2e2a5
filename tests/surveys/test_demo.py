"""The demo survey data: a closed and an open wave with realistic answers, seeded the same way every time."""

import io

import pandas as pd
import pytest
from django.utils import timezone

from assessor.models import Consumption
from assessor.scoring.claims import team_claims
from assessor.scoring.cooperation import unmet_needs
from surveys import demo
from surveys.models import Answer, Invitation, Response, Wave
from surveys.selectors import answers_frame

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_org, rescores):
    out = io.StringIO()
    demo.seed(demo_org, out)
    return out.getvalue()


def test_it_adds_a_closed_wave_and_an_open_one_with_every_team_invited(seeded, demo_org):
    now = timezone.now()
    spring, autumn = Wave.objects.get(name="Spring 2026"), Wave.objects.get(name="Autumn 2026")
    assert spring.state(now) == "closed" and autumn.state(now) == "open"
    assert (spring.instrument.version, autumn.instrument.version) == (1, 2)  # the new wave asks how capabilities reach teams
    submitted = Response.objects.filter(wave=autumn, status="submitted")
    assert set(submitted.values_list("team_id", flat=True)) == set(demo_org.teams.values_list("pk", flat=True))
    assert spring.teams.count() == autumn.teams.count() == demo_org.teams.count() == 20
    for wave, (low, high) in ((spring, (22, 40)), (autumn, (2, 5))):  # the closed wave is big enough to export
        per_team = {team.pk: Invitation.objects.filter(wave=wave, team=team).count() for team in demo_org.teams.all()}
        assert all(low <= count <= high for count in per_team.values())


def test_roles_fit_the_team_kind(seeded):
    for invitation in Invitation.objects.select_related("team"):
        if invitation.team.kind == "application":
            assert invitation.role in ("app_developer", "manager")
        else:
            assert invitation.role == {"platform": "platform_engineer", "infrastructure": "infra_engineer"}[invitation.team.kind]


def test_most_links_are_submitted_and_the_open_wave_has_drafts_and_unused_links(seeded):
    spring, autumn = Wave.objects.get(name="Spring 2026"), Wave.objects.get(name="Autumn 2026")
    spring_links = Invitation.objects.filter(wave=spring).count()
    assert Response.objects.filter(wave=spring, status="submitted").count() > spring_links * 0.6
    assert Response.objects.filter(wave=autumn, status="draft").exists()
    assert Invitation.objects.filter(wave=autumn, response__isnull=True).exists()
    assert Response.objects.filter(wave=autumn, status="submitted").count() > 10


def test_platform_teams_rate_themselves_above_their_consumers(seeded):
    claims = team_claims(answers_frame())
    kinds = dict(Wave.objects.first().teams.values_list("pk", "kind"))
    claims["kind"] = claims["team_id"].map(kinds)
    platform = claims[claims["kind"] == "platform"]["score"].mean()
    application = claims[claims["kind"] == "application"]["score"].mean()
    assert platform > application + 0.3


def test_some_needs_go_unmet_with_tickets_and_long_waits(seeded):
    frame = answers_frame()
    links = pd.DataFrame(
        list(Consumption.objects.values_list("consumer_id", "provider_id")), columns=["consumer_id", "provider_id"]
    )
    unmet = unmet_needs(frame, links)
    assert not unmet.empty
    waits = frame[frame["question_key"].str.endswith(".wait")]["value"]
    assert {"weeks", "months"} & set(waits)
    assert "ticket" in set(frame[frame["question_key"].str.endswith(".delivery")]["value"])
    assert frame[frame["question_key"] == "coop.pains"]["value"].notna().any()


def test_answers_are_valid_for_their_questions_and_roles(seeded):
    from surveys.answers import missing_required, visible_keys

    for wave in Wave.objects.all():
        spec = wave.instrument.spec()
        for response in Response.objects.filter(wave=wave, status="submitted")[:20]:
            values = dict(response.answers.values_list("question__key", "value"))
            assert set(values) <= visible_keys(spec, response.role, values)
            assert missing_required(spec, response.role, values) == []


def test_running_it_again_creates_nothing_and_it_prints_links(seeded, demo_org):
    counts = (Wave.objects.count(), Invitation.objects.count(), Response.objects.count(), Answer.objects.count())
    out = io.StringIO()
    demo.seed(demo_org, out)
    assert (Wave.objects.count(), Invitation.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
    assert "already there, unchanged" in out.getvalue()
    assert "http://127.0.0.1:8000/s/" in seeded and "(not started)" in seeded and "(draft)" in seeded


def test_it_asks_for_a_rescore_of_the_new_waves(seeded, rescores):
    assert len(rescores) == 1
    assert sorted(rescores[0]["wave_ids"]) == sorted(Wave.objects.values_list("pk", flat=True))
