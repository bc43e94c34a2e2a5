"""Every model registered in the admin lists, searches and opens its add form for a superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_demo(client, demo_org, loaded_model):
    user = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in {"assessor", "surveys", "collectors", "reports"}]


def test_every_changelist_renders_with_search(admin_client_with_demo):
    assert registered_models(), "no models registered"
    for model in registered_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client_with_demo.get(url, {"q": "a"})
        assert response.status_code == 200, url


def test_every_add_form_renders(admin_client_with_demo):
    for model in registered_models():
        model_admin = admin.site._registry[model]
        if not model_admin.has_add_permission(type("R", (), {"user": User.objects.get(username="root")})()):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert admin_client_with_demo.get(url).status_code == 200, url
