"""Dashboard pages are cached under what they are derived from: a repeat visit reads no rows, the same few
queries for 10 teams as for 300, and new scores or answers show at once."""

from datetime import timedelta

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessor.models import Membership
from reports.models import Annotation
from tests.reports.conftest import populate
from tests.reports.factories import NOW, Answers, build_org, member, person, rescore, submit

pytestmark = pytest.mark.django_db


def pages(organization, teams, wave):
    org = f"?org={organization.slug}"
    return {
        "overview": reverse("reports:overview") + org,
        "team": reverse("reports:team", args=[teams[1].pk]),
        "gaps": reverse("reports:gaps") + org,
        "trends": reverse("reports:trends") + org,
        "trends for a group": reverse("reports:trends") + org + f"&scope=group&key={teams[-1].group_id}",
        "practices": reverse("reports:practices") + org,
        "delivery": reverse("reports:delivery") + org,
    }


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def test_a_repeat_visit_does_the_same_few_queries_for_10_and_300_teams(client, loaded_model):
    measured = {}
    for size in (10, 300):
        organization, teams = build_org(teams=size, slug=f"org-{size}", name=f"Org {size}")
        _, autumn = populate(organization, teams)
        admin = person(f"admin{size}")
        member(admin, organization, Membership.Role.ADMIN)
        client.force_login(admin)
        measured[size] = {
            name: (queries(client, url), queries(client, url)) for name, url in pages(organization, teams, autumn).items()
        }

    assert measured[10] == measured[300]
    for name, (first, again) in measured[300].items():
        assert again < first, name
        # the session, the team and the reader's scope, the freshness stamp: no scores read; the team page also
        # reads the team's waivers and whether the reader may add one, fresh, since the cache key cannot see them
        assert again <= (13 if name == "team" else 10), name


def test_new_scores_and_annotations_give_a_fresh_page(client, loaded_model):
    organization, teams = build_org(teams=6)
    _, autumn = populate(organization, teams)
    admin = person("admin")
    member(admin, organization, Membership.Role.ADMIN)
    client.force_login(admin)
    trends = reverse("reports:trends") + f"?org={organization.slug}"
    overview = reverse("reports:overview") + f"?org={organization.slug}&wave={autumn.pk}"

    def trend_scores():
        return list(client.get(trends).context["data"].blocks[0].table["score"])

    def answered():
        return client.get(overview).context["data"].summary["answered"]

    before, answered_before = trend_scores(), answered()
    assert trend_scores() == before  # served from the cache

    submit(autumn, [(teams[2], Answers(level=4, target=4))], when=autumn.opens_at + timedelta(days=4))
    rescore(now=autumn.opens_at + timedelta(days=5), wave_ids=[autumn.pk])
    assert trend_scores() != before

    Annotation.objects.create(organization=organization, date=NOW.date(), label="Platform launched")
    labels = [event["label"] for event in client.get(trends).context["data"].annotations]
    assert "Platform launched" in labels
    assert answered() == answered_before


def test_no_cache_when_its_lifetime_is_zero(client, loaded_model, settings):
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0
    organization, teams = build_org(teams=4)
    populate(organization, teams)
    admin = person("admin")
    member(admin, organization, Membership.Role.ADMIN)
    client.force_login(admin)
    url = reverse("reports:gaps") + f"?org={organization.slug}"
    assert queries(client, url) == queries(client, url) > 8


def test_a_team_lead_and_an_admin_get_their_own_pages(client, loaded_model):
    organization, teams = build_org(teams=5)
    populate(organization, teams)
    admin, lead = person("admin"), person("lead")
    member(admin, organization, Membership.Role.ADMIN)
    member(lead, organization, Membership.Role.TEAM_LEAD, teams[1])
    url = reverse("reports:overview") + f"?org={organization.slug}"
    client.force_login(admin)
    everyone = client.get(url).context["data"].teams_total
    client.force_login(lead)
    own = client.get(url).context["data"].teams_total
    assert (everyone, own) == (5, 1)


def test_a_new_answer_in_the_current_wave_leaves_earlier_waves_adoption_to_the_cache(client, loaded_model, monkeypatch):
    """The practices page counts adoption in every wave for its trend; each earlier wave's count is kept under
    that wave's own answers, so a submission in the current wave recounts only the current wave, and an
    answer in an earlier wave recounts that one. The page is the same as one built without any cache."""
    import reports.dashboards.practices as practices_page

    organization, teams = build_org(teams=6)
    spring, autumn = populate(organization, teams)
    admin = person("admin")
    member(admin, organization, Membership.Role.ADMIN)
    client.force_login(admin)
    url = reverse("reports:practices") + f"?org={organization.slug}"
    read_waves: list[int] = []
    real = practices_page.cooperation_answers

    def counted(scope, *, wave_id, **kwargs):
        read_waves.append(wave_id)
        return real(scope, wave_id=wave_id, **kwargs)

    monkeypatch.setattr(practices_page, "cooperation_answers", counted)

    def trend():
        read_waves.clear()
        return client.get(url).context["data"].trend

    trend()
    assert sorted(read_waves) == sorted([spring.pk, autumn.pk])

    submit(autumn, [(teams[2], Answers(level=4, target=4, needs=("data",)))], when=autumn.opens_at + timedelta(days=4))
    rescore(now=autumn.opens_at + timedelta(days=5), wave_ids=[autumn.pk])
    cached = trend()
    assert read_waves == [autumn.pk]

    submit(
        spring, [(teams[3], Answers(level=3, needs=("data",), delivery="self_service"))], when=spring.opens_at + timedelta(days=2)
    )
    again = trend()
    assert sorted(read_waves) == sorted([spring.pk, autumn.pk])

    monkeypatch.setattr("django.conf.settings.REPORTS_DASHBOARD_CACHE_SECONDS", 0)
    pd.testing.assert_frame_equal(trend(), again)
    assert len(cached) == len(again)


def test_a_tag_decision_gives_a_new_freshness_stamp(loaded_model):
    from django.contrib.auth import get_user_model

    from reports.models import FreeTextTag
    from reports.selectors import dashboard_freshness
    from surveys.models import Answer

    organization, teams = build_org(teams=3)
    populate(organization, teams)
    answer = Answer.objects.filter(response__wave__organization=organization).first()
    tag = FreeTextTag.objects.create(answer=answer, kind="capability", value="data", phrase="database", created_at=NOW)
    before = dashboard_freshness(organization, now=NOW)
    tag.decide(status=FreeTextTag.Status.REJECTED, user=get_user_model().objects.create_user("ada"), now=NOW)
    after = dashboard_freshness(organization, now=NOW)
    assert after.decided and after != before
