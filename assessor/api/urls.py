"""URLs of the REST API, version 1."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
