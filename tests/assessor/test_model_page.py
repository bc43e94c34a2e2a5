import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_five_aspects_by_four_levels(client, loaded_model):
    response = client.get("/model/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["Investment", "Adoption", "Interfaces", "Operations", "Measurement"]:
        assert name in html
    for level in ["Provisional", "Operational", "Scalable", "Optimizing"]:
        assert level in html
    assert html.count('class="card cell-card') == 20
    assert html.count('<td class="cell') == 20
    assert "Not described in this version" not in html


def test_it_uses_a_constant_number_of_queries(client, loaded_model, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/model/")


def test_it_says_how_to_load_the_model_when_none_is_loaded(client):
    response = client.get("/model/")
    assert response.status_code == 200
    assert "load_model" in response.content.decode()


def test_an_unknown_version_is_a_404(client, loaded_model):
    assert client.get("/model/?version=9.9").status_code == 404


def test_the_home_page_links_the_model(client, demo_org):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/model/"' in response.content
    assert b"Northwind Logistics" in response.content
