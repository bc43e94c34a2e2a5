"""Every dashboard page does the same number of queries for 10 teams as for 300."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessor.models import Membership
from tests.reports.conftest import populate
from tests.reports.factories import build_org, member, person

MAX_QUERIES = 25
# The wave report builds the overview, gaps and practices pages in one file, each with its own reads (constant
# in the number of teams; sharing their frames would bring it back under MAX_QUERIES). Two of them ask whether
# each earlier wave's practice adoption may be taken from the cache (the freshness stamps).
WAVE_REPORT_MAX_QUERIES = 47


def pages(organization, teams, wave):
    own = teams[1].pk
    return {
        "overview": reverse("reports:overview") + f"?org={organization.slug}",
        "overview filtered": reverse("reports:overview") + f"?org={organization.slug}&kind=application&wave={wave.pk}",
        "team": reverse("reports:team", args=[own]),
        "gaps": reverse("reports:gaps") + f"?org={organization.slug}",
        "trends": reverse("reports:trends") + f"?org={organization.slug}&benchmark=1",
        "trends for a team": reverse("reports:trends") + f"?org={organization.slug}&scope=team&key={own}",
        "csv download": reverse("reports:gaps") + f"?org={organization.slug}&download=unmet",
        "wave report": reverse("reports:wave_export_html", args=[wave.pk]),
        "wave scores": reverse("reports:wave_export_csv", args=[wave.pk]),
    }


def counts(client, user, urls, django_assert_max_num_queries):
    client.force_login(user)
    result = {}
    for name, url in urls.items():
        budget = WAVE_REPORT_MAX_QUERIES if name == "wave report" else MAX_QUERIES
        with django_assert_max_num_queries(budget), CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        result[name] = len(queries)
    return result


def test_each_page_does_the_same_number_of_queries_for_10_and_300_teams(client, loaded_model, django_assert_max_num_queries):
    measured = {}
    for size in (10, 300):
        organization, teams = build_org(teams=size, slug=f"org-{size}", name=f"Org {size}")
        _, autumn = populate(organization, teams)
        admin, lead = person(f"admin{size}"), person(f"lead{size}")
        member(admin, organization, Membership.Role.ADMIN)
        member(lead, organization, Membership.Role.TEAM_LEAD, teams[1])
        urls = pages(organization, teams, autumn)
        team_pages = {name: url for name, url in urls.items() if not name.startswith("wave ")}  # the wave exports are for admins
        measured[size] = {
            "admin": counts(client, admin, urls, django_assert_max_num_queries),
            "team lead": counts(client, lead, team_pages, django_assert_max_num_queries),
        }

    assert measured[10] == measured[300]
