"""The TAG export read in team-aligned chunks is the export of the whole frame, document for document.

The synthetic organization gets what it lacks for the comparison to bite: free text (released, and read
for practices, with tags an admin decided), application teams that provide to each other (one of them
in a later chunk than its consumer), and an anonymous wave with a team below its minimum.
"""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from reports.export.release import inputs_hash
from reports.export.selectors import tag_input
from reports.export.tag import ReleaseInfo, tag_release, tag_tally, tally_inputs_hash
from reports.models import FreeTextTag
from reports.selectors import organization_scope, wave_answer_chunks, wave_answers
from reports.synthetic import generate_org
from surveys.conf import BUNDLED_INSTRUMENT
from surveys.instruments import read_instrument_file
from surveys.models import Answer, Question, Response
from surveys.services.instruments import instrument_load

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 1, tzinfo=UTC)
KEY = b"chunked-export-test"
K = 3


@pytest.fixture
def wave(loaded_model):
    instrument_load(spec=read_instrument_file(BUNDLED_INSTRUMENT))
    synthetic = generate_org(teams=60, waves=1, respondents=3, seed=11, now=NOW, progress=lambda message: None)
    wave = synthetic.organization.survey_waves.get()
    teams = {team.pk: team for team in synthetic.organization.teams.order_by("pk")}
    apps = [pk for pk, team in teams.items() if team.kind == "application"]
    questions = {q.key: q for q in Question.objects.filter(instrument_id=wave.instrument_id)}
    pains, setup = questions["coop.pains"], questions["coop.service_implementation"]
    written = []
    for index, response in enumerate(Response.objects.filter(wave=wave, team_id__in=apps).order_by("pk")):
        if index % 3 == 0:
            written.append(
                Answer(
                    response=response, question=pains, value="Tickets take weeks", value_text="Tickets take weeks", updated_at=NOW
                )
            )
        if index % 4 == 0:
            text = "We deploy with Argo CD and a Backstage portal" if index % 8 == 0 else "Mostly by hand"
            written.append(Answer(response=response, question=setup, value=text, value_text=text, updated_at=NOW))
    Answer.objects.bulk_create(written)
    tagged = Answer.objects.filter(question=setup, value_text__startswith="We deploy").order_by("pk")
    FreeTextTag.objects.create(
        answer=tagged[0], kind="practice", value="gitops", phrase="Argo CD", start=13, end=20, status="rejected", created_at=NOW
    )
    FreeTextTag.objects.create(
        answer=tagged[1], kind="mechanism", value="self_service", phrase="portal", status="confirmed", created_at=NOW
    )
    # An application team that provides to another, itself a provider: the last one is read after its consumer.
    first, middle, last = apps[1], apps[2], apps[-1]
    from assessor.models import Consumption

    Consumption.objects.create(consumer=teams[first], provider=teams[middle])
    Consumption.objects.create(consumer=teams[middle], provider=teams[last])
    need = next(key for key in questions if key.startswith("cap.") and key.endswith(".need"))
    provide = questions[need.removesuffix(".need") + ".provide"]
    Answer.objects.filter(response__team_id=middle, question=questions[need]).update(value="need_yes", value_text="need_yes")
    Answer.objects.bulk_create(
        Answer(response=response, question=provide, value="provide_yes", value_text="provide_yes", updated_at=NOW)
        for response in Response.objects.filter(wave=wave, team_id=last)
    )
    # Anonymous, and one team below its minimum: its answers are withheld everywhere.
    wave.anonymous, wave.min_responses = True, 3
    wave.save(update_fields=["anonymous", "min_responses"])
    Response.objects.filter(pk=Response.objects.filter(wave=wave, team_id=apps[5]).order_by("pk").first().pk).update(
        status="draft"
    )
    return wave


def released(source, digest):
    return tag_release(
        source,
        k=K,
        now=NOW,
        release_text=True,
        release=ReleaseInfo(1, digest),
        tally=tag_tally(source, with_text=True, with_hash=True),
    )


@pytest.mark.parametrize("chunk_teams", [1, 7, 25, 10_000])
def test_the_chunked_export_is_the_whole_frame_export(wave, chunk_teams):
    whole = tag_input(wave)
    assert whole.answers["response_id"].nunique() > 150
    expected = tag_release(
        whole,
        k=K,
        now=NOW,
        release_text=True,
        release=ReleaseInfo(1, inputs_hash(answers=whole.answers, team_kinds=whole.team_kinds, links=whole.links, key=KEY)),
    )

    chunked = tag_input(wave, chunk_teams=chunk_teams)
    assert chunked.answers.empty, "nothing is read before the export reads its chunks"
    tally = tag_tally(chunked, with_text=True, with_hash=True)
    digest = tally_inputs_hash(tally, chunked, key=KEY)
    built = tag_release(chunked, k=K, now=NOW, release_text=True, release=ReleaseInfo(1, digest), tally=tally)

    assert digest == expected.document["release"]["inputs_hash"]
    assert built.document == expected.document
    assert built.cells == expected.cells and len(built.cells) > 100
    assert built.scrubbed == expected.scrubbed
    document = built.document
    assert document["free_text"] and document["practices"]["items"]
    assert any(row["provider_score"] is not None for row in document["perception_gaps"])
    assert sum(1 for _, shown in built.cells.values() if not shown) > 0, "some cells are suppressed"


def test_a_provider_read_after_its_application_consumer_is_read_again_first(wave):
    reads = []
    chunked = tag_input(wave, chunk_teams=1)

    def counted(first):
        reads.append(list(first))
        return chunked.chunks(first)

    once = tag_input(wave, chunk_teams=10_000)
    assert tag_release(replace(chunked, chunks=counted), k=K, now=NOW).document == tag_release(once, k=K, now=NOW).document
    assert len(reads) == 3, "one pass, found out of order; the providers; the wave again"


def test_the_chunks_follow_the_anonymous_wave_rule_and_hold_whole_teams(wave):
    scope = organization_scope(wave.organization)
    whole = wave_answers(scope, wave_id=wave.pk)
    chunks = list(wave_answer_chunks(scope, wave_id=wave.pk, chunk_teams=4))
    teams = [set(chunk["team_id"]) for chunk in chunks]
    assert all(not (a & b) for i, a in enumerate(teams) for b in teams[i + 1 :]), "no team in two chunks"
    assert sum(len(chunk) for chunk in chunks) == len(whole)
    assert set().union(*teams) == set(whole["team_id"])
    withheld = Response.objects.filter(wave=wave, status="draft").values_list("team_id", flat=True).get()
    assert withheld not in set(whole["team_id"])
    first = sorted(set(whole["team_id"]))[-3:]
    leading = next(iter(wave_answer_chunks(scope, wave_id=wave.pk, first=[*first, withheld], chunk_teams=3)))
    assert set(leading["team_id"]) == set(first)
