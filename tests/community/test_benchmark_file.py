"""The community's benchmark file: written in the format of the bundled figures (same schema, same checks),
loaded by an organization from a file or fetched from the community's URL, never replaced by an older one."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone
from werkzeug import Response as WerkzeugResponse

from community.benchmark import BenchmarkUnavailable, benchmark_text
from community.demo import synthetic_document
from community.models import Community
from community.services import contributor_issue, release_receive
from reports.benchmark_store import BenchmarkFetchFailed, benchmark_fetch, benchmark_load, loaded_benchmarks
from reports.benchmarks import parse_benchmarks
from reports.models import LoadedBenchmark
from reports.tasks import fetch_community_benchmark

pytestmark = pytest.mark.django_db
YEAR = 2026


def community(orgs: int = 3) -> Community:
    peers = Community.objects.create(name="Peers", slug="peers")
    for index in range(orgs):
        contributor, _ = contributor_issue(community=peers, pseudonym=f"Peer {index}")
        text = json.dumps(synthetic_document(index=index, year=YEAR))
        body = {"wave": f"wave-of-peer-{index}", "document": text, "sha256": hashlib.sha256(text.encode()).hexdigest()}
        release_receive(contributor=contributor, envelope=body, now=timezone.now())
    return peers


def test_the_file_passes_the_bundled_figures_checks_and_names_organizations_and_period():
    data = yaml.safe_load(benchmark_text(community()))
    (edition,) = parse_benchmarks(data)
    assert edition.label == f"Community (3 organizations, {YEAR})"
    assert (data["key"], data["version"]) == ("community-peers", 3)
    assert all(abs(sum(shares) - 100) < 0.2 for shares in edition.levels.values())


def test_two_organizations_are_not_enough_for_a_benchmark():
    with pytest.raises(BenchmarkUnavailable, match="no period in which every level"):
        benchmark_text(community(orgs=2))


def test_load_benchmark_loads_a_file_and_refuses_an_older_version(tmp_path):
    community()
    path = tmp_path / "community.yaml"
    call_command("write_benchmark", "peers", "--output", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_benchmark", str(path), stdout=out)
    assert "community-peers version 3 loaded" in out.getvalue()
    assert [e.label for e in loaded_benchmarks()] == [f"Community (3 organizations, {YEAR})"]

    older = yaml.safe_load(path.read_text())
    older["version"] = 2
    (tmp_path / "older.yaml").write_text(yaml.safe_dump(older))
    with pytest.raises(CommandError, match="not newer than version 3"):
        call_command("load_benchmark", str(tmp_path / "older.yaml"), stdout=io.StringIO())
    again = io.StringIO()
    call_command("load_benchmark", str(path), stdout=again)
    assert "unchanged" in again.getvalue()
    assert LoadedBenchmark.objects.get().version == 3


def test_a_broken_file_is_refused_naming_the_place_and_nothing_is_loaded(tmp_path):
    path = tmp_path / "broken.yaml"
    data = yaml.safe_load(benchmark_text(community()))
    data["editions"][0]["levels"]["investment"] = [50, 50, 50, 50]
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CommandError, match=r"editions\[0\]\.levels\.investment: the percentages add up to 200"):
        call_command("load_benchmark", str(path), stdout=io.StringIO())
    assert not LoadedBenchmark.objects.exists()


def test_the_fetch_retries_a_busy_community_then_loads_the_file(httpserver, settings):
    settings.COMMUNITY_HTTP_RETRIES = 2
    text = benchmark_text(community())
    answers = iter([WerkzeugResponse("busy", status=503, headers={"Retry-After": "0"}), WerkzeugResponse(text, status=200)])
    httpserver.expect_request("/api/v1/communities/peers/benchmark/").respond_with_handler(lambda request: next(answers))
    loaded = benchmark_fetch(url=httpserver.url_for("/api/v1/communities/peers/benchmark/"), token="key", now=timezone.now())
    assert loaded.outcome == "loaded" and loaded.row.key == "community-peers"
    assert [r.headers.get("Authorization") for r, _ in httpserver.log] == ["Token key", "Token key"]


def test_a_refusing_community_is_reported_and_the_loaded_file_stays(httpserver, settings):
    settings.COMMUNITY_HTTP_RETRIES = 0
    benchmark_load(text=benchmark_text(community()), source="file", now=timezone.now())
    httpserver.expect_request("/benchmark/").respond_with_json({"error": {"message": "no"}}, status=401)
    with pytest.raises(BenchmarkFetchFailed, match="answered 401") as caught:
        benchmark_fetch(url=httpserver.url_for("/benchmark/"), token="", now=timezone.now())
    assert not caught.value.retryable
    assert LoadedBenchmark.objects.get().source == "file"


def test_the_scheduled_task_does_nothing_until_a_url_is_set(settings, httpserver):
    settings.REPORTS_COMMUNITY_BENCHMARK_URL = ""
    assert "nothing fetched" in fetch_community_benchmark.apply().get()
    httpserver.expect_request("/benchmark/").respond_with_data(benchmark_text(community()))
    settings.REPORTS_COMMUNITY_BENCHMARK_URL = httpserver.url_for("/benchmark/")
    assert fetch_community_benchmark.apply().get() == "community-peers version 3: loaded"
