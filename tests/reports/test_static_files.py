"""Chart pages load the partial plotly bundle, and collected static files are served compressed and cached for long.

The test settings keep Django's plain storage so that tests need no collectstatic; the storage the service runs
with is tested here once, on a static root collected from the project's own files.
"""

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

BUNDLE = "vendor/plotly/plotly-charts.min.js"
CHART_TRACES = {"bar", "heatmap", "scatter", "scatterpolar"}


def test_the_dashboards_load_the_partial_bundle_which_has_every_trace_type_they_draw(client, world):
    client.force_login(world.admin)
    paths = [reverse(name) for name in ("reports:overview", "reports:gaps", "reports:trends")]
    drawn = set()
    for path in [*paths, reverse("reports:team", args=[world.platform.pk])]:
        page = client.get(path).content.decode()
        assert f"/static/{BUNDLE}" in page, path
        assert "plotly/plotly.min.js" not in page, path
        for figure in re.findall(r'<script type="application/json" id="fig-[^"]*">(.*?)</script>', page, re.S):
            drawn |= {trace.get("type", "scatter") for trace in json.loads(figure).get("data", [])}
    assert {"bar", "heatmap", "scatterpolar"} <= drawn
    assert drawn <= CHART_TRACES, f"the charts draw {sorted(drawn - CHART_TRACES)}: add them in tools/plotly-bundle"


def test_the_bundle_is_much_smaller_than_the_full_plotly_and_registers_the_traces_the_charts_need():
    bundle = Path(finders.find(BUNDLE)).read_text(encoding="utf-8")
    assert bundle.startswith("/*! plotly.js v4.1.1, partial bundle")
    for trace in CHART_TRACES:
        assert f'name:"{trace}"' in bundle or f'moduleType:"trace",name:"{trace}"' in bundle, trace
    full = Path(finders.find("plotly/plotly.min.js")).stat().st_size
    assert len(bundle.encode()) < full / 3
    assert (Path(finders.find("vendor/plotly/LICENSE.txt")).read_text()).startswith(
        "MIT License\n\nCopyright (c) 2016-2024 Plotly"
    )


@pytest.fixture
def collected(settings, tmp_path):
    """The service's own storage over a static root collected from the project's static/ folder (the apps'
    files, the admin's and the API docs', are left out to keep the test quick)."""
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_DIRS = [settings.BASE_DIR / "static"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "assessor.staticstorage.StaticStorage"}}
    ignore = ["admin", "rest_framework", "drf_spectacular_sidecar", "django_celery_beat"]
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=ignore, stdout=io.StringIO())
    return tmp_path


def test_a_collected_file_is_served_gzipped_with_a_far_future_cache_control(collected):
    url = staticfiles_storage.url(BUNDLE)
    assert re.fullmatch(r"/static/vendor/plotly/plotly-charts\.min\.[0-9a-f]{12}\.js", url)

    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1)) >= 365 * 24 * 3600
    body = b"".join(response.streaming_content)
    original = (settings.BASE_DIR / "static" / BUNDLE).read_bytes()
    assert gzip.decompress(body) == original and len(body) < len(original) / 2


def test_a_client_without_gzip_gets_the_plain_file(collected):
    response = Client().get(staticfiles_storage.url(BUNDLE))
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == (settings.BASE_DIR / "static" / BUNDLE).read_bytes()


def test_pages_link_hashed_names_under_debug_too(collected, settings):
    settings.DEBUG = True
    assert re.search(r"\.[0-9a-f]{12}\.js$", staticfiles_storage.url("collectors/collect.js"))


def test_a_file_not_collected_yet_is_linked_by_its_plain_name(collected):
    assert staticfiles_storage.url("not/collected.js") == "/static/not/collected.js"
