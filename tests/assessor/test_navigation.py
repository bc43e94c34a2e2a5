import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def nav_labels(response):
    return [item["label"] for item in response.context["nav_items"]]


def test_visitors_see_the_model_and_sign_in(client):
    response = client.get("/")
    assert nav_labels(response) == ["Maturity model"]
    assert b"Sign in" in response.content


def test_staff_see_the_survey_and_evidence_pages(client):
    client.force_login(User.objects.create_user("staff", is_staff=True))
    labels = nav_labels(client.get("/"))
    assert "Survey waves" in labels
    assert "Evidence" in labels


def test_the_current_page_is_marked(client):
    response = client.get("/model/")
    assert [item["current"] for item in response.context["nav_items"]] == [True]
    assert b'aria-current="page"' in response.content


def test_the_admin_favicon_request_is_redirected(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("assessor/favicon.svg")


def test_the_start_page_leads_signed_in_people_to_the_dashboard(client):
    client.force_login(User.objects.create_user("lead"))
    response = client.get("/")
    assert b'href="/dashboard/"' in response.content
    assert b"Open the admin" not in response.content


def test_only_the_closest_item_is_marked_on_a_page_under_another(client):
    client.force_login(User.objects.create_user("reader"))
    response = client.get("/dashboard/trends/")
    current = [item["label"] for item in response.context["nav_items"] if item["current"]]
    assert current == ["Trends"]
    assert b'<a href="/dashboard/" aria-current="page">' not in response.content
