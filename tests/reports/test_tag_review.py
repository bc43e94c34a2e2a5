from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from assessor.models import Membership
from reports.frames.cooperation import free_text_by_capability
from reports.freetext import capability_decisions, free_text_tag, free_text_tag_add
from reports.models import FreeTextTag
from reports.selectors import cooperation_answers, free_text_review, organization_scope
from tests.reports.factories import Answers, build_org, load_instrument, make_wave, member, person, submit

pytestmark = pytest.mark.django_db

PAIN = "Every new Postgres database takes about a week and a Jira ticket"


@pytest.fixture
def world(loaded_model: Any) -> dict[str, Any]:
    now = timezone.now()
    organization, teams = build_org(teams=2)
    wave = make_wave(
        organization, load_instrument(), name="Spring", opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1),
        teams=teams,
    )  # fmt: skip
    submit(wave, [(teams[0], Answers(pains=PAIN, suggestions="More docs please"))], when=now - timedelta(days=10))
    admin = person("ada")
    member(admin, organization, Membership.Role.ADMIN)
    client = Client()
    client.force_login(admin)
    return {"organization": organization, "teams": teams, "wave": wave, "admin": admin, "client": client, "now": now}


def stored(wave_id: int) -> set[tuple[str, str, str, str]]:
    tags = FreeTextTag.objects.filter(answer__response__wave_id=wave_id)
    return {(tag.kind, tag.value, tag.phrase, tag.status) for tag in tags}


def test_it_stores_suggested_tags_with_their_phrases_and_tagging_again_changes_nothing(world):
    first = free_text_tag(wave=world["wave"], now=world["now"])
    again = free_text_tag(wave=world["wave"], now=world["now"])

    assert stored(world["wave"].pk) == {
        ("capability", "data", "Postgres", "suggested"),
        ("wait", "5-7 days", "about a week", "suggested"),
        ("mechanism", "ticket", "Jira", "suggested"),
        ("capability", "golden_paths", "docs", "suggested"),
    }
    assert (first.texts, first.created) == (2, 4)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_it_keeps_admins_decisions_when_tagging_again(world):
    free_text_tag(wave=world["wave"], now=world["now"])
    tag = FreeTextTag.objects.get(kind="mechanism", value="ticket")
    tag.decide(status=FreeTextTag.Status.REJECTED, user=world["admin"], now=world["now"])

    free_text_tag(wave=world["wave"], now=world["now"])

    assert FreeTextTag.objects.get(pk=tag.pk).status == "rejected"


def test_the_page_highlights_phrases_and_admins_confirm_reject_and_add_tags_without_javascript(world):
    client, wave = world["client"], world["wave"]
    url = f"/dashboard/waves/{wave.pk}/tags/"
    assert client.post(url, {"action": "tag"}).status_code == 302

    page = client.get(url).content.decode()
    assert '<mark title="Data services">Postgres</mark>' in page
    assert '<mark title="wait 5-7 days">about a week</mark>' in page

    data = FreeTextTag.objects.get(value="data")
    ticket = FreeTextTag.objects.get(value="ticket")
    assert client.post(url, {"action": "confirm", "tag": data.pk}).status_code == 302
    assert client.post(url, {"action": "reject", "tag": ticket.pk}).status_code == 302
    assert client.post(url, {"action": "add", "answer": data.answer_id, "choice": "capability:infrastructure"}).status_code == 302

    decided = {(tag.value, tag.status, tag.decided_by_id) for tag in FreeTextTag.objects.exclude(status="suggested")}
    assert decided == {("data", "confirmed", world["admin"].pk), ("ticket", "rejected", world["admin"].pk),
                       ("infrastructure", "added", world["admin"].pk)}  # fmt: skip


def test_it_answers_bad_posts_with_a_clear_4xx_and_changes_nothing(world):
    client, wave = world["client"], world["wave"]
    url = f"/dashboard/waves/{wave.pk}/tags/"
    free_text_tag(wave=wave, now=world["now"])
    answer_id = FreeTextTag.objects.first().answer_id
    before = stored(wave.pk)

    assert client.post(url, {"action": "confirm", "tag": "x"}).status_code == 400
    assert client.post(url, {"action": "confirm", "tag": "999999"}).status_code == 404
    assert client.post(url, {"action": "add", "answer": answer_id, "choice": "capability:teleport"}).status_code == 400
    assert client.post(url, {"action": "add", "answer": "999999", "choice": "capability:data"}).status_code == 404
    assert client.post(url, {"action": "dance"}).status_code == 400
    assert stored(wave.pk) == before


def test_it_keeps_the_page_and_its_forms_to_admins_and_checks_csrf(world):
    viewer = person("bob")
    member(viewer, world["organization"], Membership.Role.MEMBER, world["teams"][0])
    client = Client()
    client.force_login(viewer)
    url = f"/dashboard/waves/{world['wave'].pk}/tags/"

    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "tag"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["admin"])
    assert strict.post(url, {"action": "tag"}).status_code == 403
    assert not FreeTextTag.objects.exists()


def test_admins_decisions_move_a_pain_between_capabilities_on_the_gaps_frame(world):
    free_text_tag(wave=world["wave"], now=world["now"])
    data = FreeTextTag.objects.get(value="data")
    data.decide(status=FreeTextTag.Status.REJECTED, user=world["admin"], now=world["now"])
    free_text_tag_add(answer_id=data.answer_id, choice="capability:infrastructure", user=world["admin"], now=world["now"])
    scope = organization_scope(world["organization"])
    texts, tags = free_text_review(scope, wave_id=world["wave"].pk)
    answers = cooperation_answers(scope, wave_id=world["wave"].pk)

    grouped = free_text_by_capability(answers, scope.teams, {}, capability_decisions(texts, tags))

    assert list(grouped.loc[grouped["text"] == PAIN, "capability"]) == ["infrastructure"]


def test_the_review_page_reads_a_constant_number_of_queries(world, django_assert_max_num_queries):
    free_text_tag(wave=world["wave"], now=world["now"])

    with django_assert_max_num_queries(14):
        assert world["client"].get(f"/dashboard/waves/{world['wave'].pk}/tags/").status_code == 200
