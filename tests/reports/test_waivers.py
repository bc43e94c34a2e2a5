"""Waivers: made by a team lead or admin, shown with the reason on the page and in the API, audited, lapsing
at expiry; a waived rule changes the evidence status and the confidence exactly as the README says."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessor.models import Repository
from assessor.models.rescore import PendingRescore
from assessor.scoring.rubric import load_rubric
from collectors.models import Waiver, WaiverEvent
from collectors.waivers import WaiverCover, covering, waiver_create, waivers_lapse
from reports.models import ScoreSnapshot
from tests.reports.evidence_build import evaluation
from tests.reports.factories import NOW, rescore

UP, DOWN = "adoption-gitops-managed-workloads", "adoption-hand-applied-workloads"  # supports 3, argues against 2


def newest(team, wave, aspect="adoption"):
    return ScoreSnapshot.objects.filter(team=team, wave=wave, aspect=aspect).order_by("-computed_at", "-revision").first()


@pytest.fixture
def team(world):
    """teams[1], an application team led by world.lead, claims adoption level 2; its evidence argues against it."""
    evaluation(world.teams[1], ("adoption", 2, "contradicts", DOWN))
    rescore(now=NOW)
    return world.teams[1]


def waive(client, team, **fields):
    data = {"rule_key": DOWN, "reason": "Hand-applied jobs are one-off migrations, reviewed by hand.", **fields}
    return client.post(reverse("collectors:waiver_add", args=[team.pk]), data)


def test_a_team_lead_waives_a_rule_from_the_team_page_and_sees_it_waived_with_the_reason(client, world, team):
    client.force_login(world.lead)

    response = waive(client, team)

    assert response.status_code == 302 and response["Location"].endswith("#waivers")
    waiver = Waiver.objects.get(team=team)
    assert (waiver.rule_key, waiver.created_by, waiver.repository) == (DOWN, world.lead, None)
    assert list(waiver.events.values_list("action", "by_name", "via")) == [("created", "lee", "page")]
    rescore(now=NOW)
    body = client.get(reverse("reports:team", args=[team.pk]) + f"?wave={world.autumn.pk}").content.decode()
    assert 'Waived</span> <span class="waiver-reason">Hand-applied jobs are one-off migrations' in body
    assert "Created by lee" in body


def test_a_waived_rule_turns_an_over_claim_into_no_evidence_and_takes_the_evidence_share_out_of_confidence(world, team):
    rubric = load_rubric()
    before = newest(team, world.autumn)
    assert (before.status, before.evidence_ceiling, before.evidence_items) == ("over_claim", 1, 1)

    waiver_create(team=team, rule_key=DOWN, reason="Not ours: a vendor's chart.", by=world.lead, now=NOW - timedelta(hours=1))
    rescore(now=NOW)

    after = newest(team, world.autumn)
    assert (after.status, after.evidence_floor, after.evidence_ceiling, after.evidence_items) == ("no_evidence", None, None, 0)
    # evidence observed at NOW is fully fresh: both the evidence and the freshness shares go
    assert before.confidence - after.confidence == pytest.approx(rubric.weight_evidence + rubric.weight_freshness, abs=0.011)
    assert after.level == before.level and after.score == before.score


def test_waiving_one_side_of_a_conflict_leaves_the_other_side_to_decide(world):
    team = world.teams[1]
    evaluation(team, ("adoption", 3, "supports", UP), ("adoption", 2, "contradicts", DOWN))
    rescore(now=NOW)
    assert newest(team, world.autumn).status == "conflict"
    confidence = newest(team, world.autumn).confidence

    waiver_create(team=team, rule_key=DOWN, reason="Jobs applied by hand are migrations.", by=world.admin)
    rescore(now=NOW)

    after = newest(team, world.autumn)
    assert (after.status, after.evidence_floor, after.evidence_ceiling, after.evidence_items) == ("under_claim", 3, 4, 1)
    assert after.confidence == confidence  # evidence still counts, as fresh as before


def test_a_repository_waiver_waives_only_evidence_from_that_repository(world):
    team = world.teams[1]
    ours = Repository.objects.create(team=team, name="vendor-charts", local_path="/nowhere/vendor")
    theirs = Repository.objects.create(team=team, name="shop", local_path="/nowhere/shop")
    waiver_create(team=team, rule_key=DOWN, reason="Vendor charts are applied as shipped.", repository=ours, by=world.admin)

    evaluation(team, ("adoption", 2, "contradicts", DOWN), repository=ours)
    rescore(now=NOW)
    assert newest(team, world.autumn).status == "no_evidence"
    evaluation(team, ("adoption", 2, "contradicts", DOWN), repository=theirs)
    rescore(now=NOW)
    assert newest(team, world.autumn).status == "over_claim"


def test_a_waiver_lapses_at_its_expiry_audited_and_with_a_rescore_queued(world, team, django_capture_on_commit_callbacks):
    now = timezone.now()
    waiver = waiver_create(
        team=team, rule_key=DOWN, reason="Until the migration ends.", expires_at=now + timedelta(days=1), by=world.lead, now=now
    )
    rescore(now=now)
    assert newest(team, world.autumn).status == "no_evidence"
    PendingRescore.objects.all().delete()

    assert waivers_lapse(now=now + timedelta(hours=12)) == 0
    with django_capture_on_commit_callbacks() as callbacks:
        assert waivers_lapse(now=now + timedelta(days=1, minutes=1)) == 1
    assert len(callbacks) == 1
    assert waivers_lapse(now=now + timedelta(days=2)) == 0  # noted once
    waiver.refresh_from_db()
    assert waiver.lapsed_at is not None and waiver.state(now + timedelta(days=2)) == "expired"
    assert list(waiver.events.values_list("action", flat=True)) == ["created", "lapsed"]
    rescore(now=now + timedelta(days=1, minutes=2))
    assert newest(team, world.autumn).status == "over_claim"


def test_the_expiry_lapses_through_the_command_and_the_schedule_runs_the_same_task(world, team):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    waiver = Waiver.objects.create(team=team, rule_key=DOWN, reason="Short one.", created_at=NOW, expires_at=NOW)
    call_command("lapse_waivers", stdout=__import__("io").StringIO())
    assert WaiverEvent.objects.filter(waiver=waiver, action="lapsed").exists()
    assert PeriodicTask.objects.get(name="Lapse expired waivers").task == "collectors.lapse_waivers"


def test_creating_and_revoking_queue_a_rescore_of_the_team(world, team, django_capture_on_commit_callbacks):
    PendingRescore.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        waiver_create(team=team, rule_key=DOWN, reason="Because.", by=world.lead)
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "   "}, "reason"),
        ({"rule_key": "no-such-rule"}, "rule_key"),
        ({"expires_on": "2000-01-01"}, "expires_at"),
        ({"expires_on": "not a date"}, "expires_on"),
        ({"repository": "999999"}, "repository"),
    ],
)
def test_bad_waiver_input_is_a_400_that_names_the_field_and_stores_nothing(client, world, team, fields, field):
    client.force_login(world.lead)

    response = waive(client, team, **fields)

    assert response.status_code == 400
    assert f"<li>{field}:" in response.content.decode()
    assert not Waiver.objects.exists()


def test_a_plain_member_or_another_teams_lead_cannot_waive(client, world, team):
    client.force_login(world.member)
    assert waive(client, team).status_code == 403
    other = world.teams[3]
    client.force_login(world.lead)
    assert waive(client, other).status_code == 403
    assert not Waiver.objects.exists()


def test_the_form_shows_only_to_those_who_may_waive(client, world, team):
    url = reverse("reports:team", args=[team.pk]) + f"?wave={world.autumn.pk}"
    client.force_login(world.lead)
    assert "Waive the rule" in client.get(url).content.decode()
    client.force_login(world.admin)
    assert "Waive the rule" in client.get(url).content.decode()


def test_revoking_from_the_page_counts_the_rule_again_and_is_audited(client, world, team):
    waiver = waiver_create(team=team, rule_key=DOWN, reason="For now.", by=world.lead)
    client.force_login(world.admin)

    response = client.post(reverse("collectors:waiver_revoke", args=[waiver.pk]))

    assert response.status_code == 302
    waiver.refresh_from_db()
    assert waiver.revoked_by == world.admin and waiver.state(timezone.now()) == "revoked"
    assert list(waiver.events.values_list("action", "by_name")) == [("created", "lee"), ("revoked", "ada")]
    rescore(now=NOW)
    assert newest(team, world.autumn).status == "over_claim"


def api(world, team, tail=""):
    return f"/api/v1/orgs/{world.organization.slug}/teams/{team.pk}/waivers/{tail}"


def test_the_api_creates_lists_and_revokes_waivers(client, world, team):
    client.force_login(world.lead)

    created = client.post(api(world, team), {"rule_key": DOWN, "reason": "Vendor jobs."}, content_type="application/json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["rule_key"], body["state"], body["created_by"], body["reason"]) == (DOWN, "active", "lee", "Vendor jobs.")
    assert [event["action"] for event in body["events"]] == ["created"]
    listed = client.get(api(world, team)).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    evidence = client.get(f"/api/v1/orgs/{world.organization.slug}/teams/{team.pk}/evidence/").json()["results"]
    assert [(row["rule_key"], row["waived"], row["waiver"]["reason"]) for row in evidence] == [(DOWN, True, "Vendor jobs.")]

    revoked = client.post(api(world, team, f"{body['id']}/revoke/"))

    assert revoked.status_code == 200
    assert revoked.json()["state"] == "revoked" and revoked.json()["revoked_by"] == "lee"
    evidence = client.get(f"/api/v1/orgs/{world.organization.slug}/teams/{team.pk}/evidence/").json()["results"]
    assert evidence[0]["waived"] is False and evidence[0]["waiver"] is None


@pytest.mark.parametrize(
    "payload",
    [
        {"rule_key": DOWN},
        {"rule_key": DOWN, "reason": ""},
        {"rule_key": "nope", "reason": "x"},
        {"rule_key": DOWN, "reason": "x", "expires_at": "2001-01-01T00:00:00Z"},
        {"rule_key": DOWN, "reason": "x", "repository": 99999},
        {"rule_key": DOWN, "reason": "x", "colour": "blue"},
        {"rule_key": DOWN, "reason": "x" * 3000},
    ],
)
def test_the_api_refuses_bad_waivers_with_a_400(client, world, team, payload):
    client.force_login(world.admin)
    response = client.post(api(world, team), payload, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not Waiver.objects.exists()


def test_the_api_refuses_members_with_a_403_and_outsiders_with_a_404(client, world, team):
    client.force_login(world.member)
    member_team = world.teams[2]
    assert (
        client.post(api(world, member_team), {"rule_key": DOWN, "reason": "x"}, content_type="application/json").status_code
        == 403
    )
    client.force_login(world.outsider)
    assert client.get(api(world, team)).status_code == 404


def test_an_active_waiver_twice_for_the_same_place_is_refused(world, team):
    from collectors.waivers import WaiverInvalid

    waiver_create(team=team, rule_key=DOWN, reason="Once.", by=world.lead)
    with pytest.raises(WaiverInvalid):
        waiver_create(team=team, rule_key=DOWN, reason="Twice.", by=world.lead)


def test_a_team_waiver_covers_every_source_and_a_repository_waiver_only_its_own():
    team_wide = WaiverCover(1, 7, "r", None, "why", None, "lee")
    one_repo = WaiverCover(2, 7, "r", 5, "why", None, "lee")
    assert covering([team_wide], team_id=7, rule_key="r", repository_ids={5, 6}) == team_wide
    assert covering([one_repo], team_id=7, rule_key="r", repository_ids={5}) == one_repo
    assert covering([one_repo], team_id=7, rule_key="r", repository_ids={5, 6}) is None
    assert covering([one_repo], team_id=8, rule_key="r", repository_ids={5}) is None
    assert covering([team_wide], team_id=7, rule_key="other", repository_ids={5}) is None


def test_the_collectors_evidence_page_marks_the_waived_item_with_its_reason(client, world, team):
    waiver_create(team=team, rule_key=DOWN, reason="Vendor chart, applied as shipped.", by=world.lead)
    client.force_login(world.lead)

    body = client.get(reverse("collectors:team_evidence", args=[team.pk])).content.decode()

    assert 'Waived</span> <span class="waiver-reason">Vendor chart, applied as shipped.</span>' in body
