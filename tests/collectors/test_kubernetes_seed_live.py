"""Read live from a fake kube-apiserver, the seed technologies' resources are found through their CRDs and
discovery like any catalogued resource: OLM operators, Tekton pipelines in team namespaces, OpenKruise workloads."""

import pytest
from pytest_httpserver import HTTPServer

from collectors.kubernetes import collect_cluster_live
from tests.collectors.fake_kubernetes import FakeKubernetes
from tests.collectors.test_kubernetes_collector import by_namespace, reader_for


def crd(plural: str, group: str, kind: str, version: str) -> dict:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": kind, "plural": plural},
            "scope": "Namespaced",
            "versions": [{"name": version, "served": True, "storage": True}],
        },
    }


@pytest.fixture
def fake():
    server = HTTPServer(threaded=True)
    server.start()
    fake = FakeKubernetes()
    fake.crds.extend(
        [
            crd("clusterserviceversions", "operators.coreos.com", "ClusterServiceVersion", "v1alpha1"),
            crd("pipelines", "tekton.dev", "Pipeline", "v1"),
            crd("clonesets", "apps.kruise.io", "CloneSet", "v1alpha1"),
        ]
    )
    fake.sync_crds()
    fake.set_items(
        "/apis/operators.coreos.com/v1alpha1/clusterserviceversions",
        [{"metadata": {"name": "cloudnative-pg.v1.24.1", "namespace": "portal"}}],
    )
    fake.set_items(
        "/apis/tekton.dev/v1/pipelines",
        [{"metadata": {"name": "build", "namespace": "checkout"}, "spec": {"tasks": []}}],
    )
    fake.set_items(
        "/apis/apps.kruise.io/v1alpha1/clonesets",
        [
            {
                "metadata": {"name": "web", "namespace": "checkout", "labels": {"app.kubernetes.io/managed-by": "Helm"}},
                "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web"}]}}},
            }
        ],
    )
    fake.url = fake.install(server)
    yield fake
    server.clear()
    server.stop()


def test_a_live_read_names_olm_operators_team_pipelines_and_openkruise_workloads(fake):
    baseline = by_namespace(collect_cluster_live(reader_for(fake.url), team_label="team"))
    fake.set_items("/apis/apps.kruise.io/v1alpha1/clonesets", [])
    without_clone_set = by_namespace(collect_cluster_live(reader_for(fake.url), team_label="team"))
    assert baseline["<cluster>"]["cluster.capability.olm"] is True
    assert baseline["<cluster>"]["cluster.olm_operators"] == 1
    assert baseline["<cluster>"]["cluster.capability.tekton"] is True
    assert baseline["checkout"]["k8s.pipelines.tekton"] == 1
    assert baseline["portal"]["k8s.pipelines.tekton"] == 0
    assert baseline["checkout"]["k8s.workloads"] == without_clone_set["checkout"]["k8s.workloads"] + 1
    assert "/apis/apps.kruise.io/v1alpha1/clonesets" in fake.requests
