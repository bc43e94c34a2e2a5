"""Kubernetes collector memory: a live cluster of 750 CRDs with full schemas, and a 45 MB `kubectl get -o json` dump.

Run: .venv/bin/python bench/collectors_kubernetes.py   (also part of bench/collectors_bench.py)
The fake API runs in a child process, so the figures are the collector's own Python allocations (tracemalloc peak).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import urllib3  # noqa: E402
from kubernetes import client  # noqa: E402
from pytest_httpserver import HTTPServer  # noqa: E402

from collectors.kubernetes import CRD_PATH, ClusterReader, collect_cluster_dump, collect_cluster_live  # noqa: E402
from tests.collectors.fake_kubernetes import FakeKubernetes  # noqa: E402

CRDS = 750
DUMP_MB = 45


def _schema(width: int) -> dict[str, Any]:
    """An OpenAPI schema about the size of a real operator's (Crossplane providers' run to hundreds of KB)."""
    leaf = {"type": "string", "description": "Settings of the managed resource, as the provider documents them. " * 6}
    return {
        "type": "object",
        "properties": {
            "spec": {"type": "object", "properties": {f"field{i}": {**leaf, "title": f"f{i}"} for i in range(width)}},
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    }


def _serve(port: multiprocessing.Queue, stop: Any) -> None:  # type: ignore[type-arg]
    fake = FakeKubernetes()
    template = fake.crds[0]
    schema = _schema(300)
    for i in range(CRDS):
        crd = json.loads(json.dumps(template))
        group = f"provider{i % 60}.upbound.example"
        crd["metadata"]["name"] = f"things{i}.{group}"
        crd["spec"]["group"] = group
        crd["spec"]["names"].update(plural=f"things{i}", kind=f"Thing{i}", singular=f"thing{i}")
        crd["spec"]["versions"] = [{"name": "v1beta1", "served": True, "storage": True, "schema": {"openAPIV3Schema": schema}}]
        fake.crds.append(crd)
    server = HTTPServer(threaded=True)
    server.start()
    fake.install(server)
    port.put((server.port, len(json.dumps(fake.crds))))
    stop.wait()
    server.stop()


def _peak(work: Any) -> tuple[Any, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, peak / 2**20, elapsed


def live_crds_benchmark() -> bool:
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    stop = multiprocessing.Event()
    child = multiprocessing.Process(target=_serve, args=(ports, stop), daemon=True)
    child.start()
    try:
        port, crd_bytes = ports.get(timeout=120)
        url = f"http://127.0.0.1:{port}"

        def reader() -> ClusterReader:
            return ClusterReader(client.ApiClient(client.Configuration(host=url)), timeout=60)

        outcome, peak, elapsed = _peak(lambda: collect_cluster_live(reader(), team_label="team"))
        print(
            f"kubernetes live: {CRDS + 9} CRDs with full schemas ({crd_bytes / 2**20:.0f} MB as one list): collection "
            f"peak {peak:.1f} MB in {elapsed:.1f} s, {outcome.api_calls} API calls, complete={outcome.complete}"
        )
        # What reading the CRD list whole used to cost: one answer with every schema, parsed at once.
        whole, whole_peak, whole_elapsed = _peak(
            lambda: len(json.loads(urllib3.request("GET", url + CRD_PATH, timeout=600, retries=False).data)["items"])
        )
    finally:
        stop.set()
        child.join(timeout=30)
    ok = outcome.complete and peak < 100
    print(
        f"kubernetes live: for comparison, the CRD list read whole in one answer: peak {whole_peak:.0f} MB in "
        f"{whole_elapsed:.1f} s ({whole} CRDs) -> {'OK' if ok else 'TOO MUCH'} (target: collection under 100 MB)"
    )
    return ok


def _dump(target_mb: int) -> bytes:
    """A `kubectl get ... -A -o json` dump of about this size: namespaces and deployments as kubectl prints them."""
    items: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"team-{n}", "labels": {"team": f"team-{n % 40}"}}}
        for n in range(400)
    ]
    deployment = json.loads((ROOT / "tests/fixtures/kubernetes/deployments.json").read_text())["items"][0]
    deployment["metadata"].pop("managedFields", None)  # kubectl leaves them out unless asked
    deployment["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(deployment)}
    size, i = 0, 0
    while size < target_mb * 2**20:
        item = json.loads(json.dumps(deployment))
        item.update(apiVersion="apps/v1", kind="Deployment")
        item["metadata"].update(name=f"svc-{i}", namespace=f"team-{i % 400}")
        items.append(item)
        size += len(json.dumps(item, indent=4)) + 10  # as kubectl prints it, indented
        i += 1

    def render(objects: list[dict[str, Any]]) -> bytes:
        document = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": objects}
        return json.dumps(document, indent=4).encode()

    data = render(items)
    keep = int(len(items) * target_mb * 2**20 / len(data))  # the estimate above runs a little over
    return render(items[:keep])


def dump_benchmark() -> bool:
    data = _dump(DUMP_MB)

    def collect() -> Any:
        return collect_cluster_dump(data, team_label="team", source="bench", max_bytes=len(data) + 1)

    started = time.perf_counter()
    collect()
    elapsed = time.perf_counter() - started
    outcome, peak, _ = _peak(collect)  # tracing slows it down, so it is timed untraced above
    ok = bool(outcome.signals) and peak < 8 * len(data) / 2**20
    deployments = outcome.state["dump"]["found"].get("apps/Deployment")
    print(
        f"kubernetes dump: {len(data) / 2**20:.0f} MB, {deployments} Deployments: peak {peak:.0f} MB above the file itself, "
        f"{elapsed:.1f} s, {len(outcome.signals)} signals -> {'OK' if ok else 'TOO MUCH'} (target: under 8x the file)"
    )
    return ok


def kubernetes_memory_benchmark() -> bool:
    return all([live_crds_benchmark(), dump_benchmark()])


if __name__ == "__main__":
    sys.exit(0 if kubernetes_memory_benchmark() else 1)
