"""Kubernetes adapter (the official client): reads a live cluster, or a checked dump, into cluster signals.

CRDs are listed first and only the custom resources that exist are read; a 404 means absent, not an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import urllib3
from kubernetes import client, config
from kubernetes.config.config_exception import ConfigException

from collectors import conf
from collectors.cluster import CRD, ClusterCatalog, cluster_signals, installed_resources, load_catalog
from collectors.dump import DumpError, listed_kinds, parse_dump
from collectors.errors import CollectorError
from collectors.localpaths import LocalPathError, read_regular_file
from collectors.records import Outcome, Skipped

IN_CLUSTER = "in-cluster"


class KubernetesError(CollectorError):
    source = "kubernetes"


def api_client_for(context: str) -> client.ApiClient:
    """An API client for a kubeconfig context, or for the pod's own service account when context is "in-cluster"."""
    try:
        if context == IN_CLUSTER:
            configuration = client.Configuration()
            config.load_incluster_config(client_configuration=configuration)
            return client.ApiClient(configuration)
        return config.new_client_from_config(config_file=conf.kubeconfig(), context=context or None)
    except (ConfigException, OSError) as exc:
        raise KubernetesError(f"Could not load credentials for context {context!r}: {exc}") from exc


class ClusterReader:
    """Lists objects through the official client, counting calls and turning failures into KubernetesError."""

    def __init__(self, api_client: client.ApiClient, *, timeout: float | None = None) -> None:
        self.api_client = api_client
        seconds = timeout if timeout is not None else conf.kubernetes_timeout()
        self.timeout = (min(seconds, 10.0), seconds)
        self.calls = 0

    @property
    def host(self) -> str:
        return str(self.api_client.configuration.host)

    def list(self, call: Callable[..., Any], what: str, **kwargs: Any) -> list[dict[str, Any]] | None:
        """The items of one list call, or None when the API answers 404 (the resource type is absent)."""
        self.calls += 1
        try:
            response = call(**kwargs, _preload_content=False, _request_timeout=self.timeout)
        except client.ApiException as exc:
            if exc.status == 404:
                return None
            if exc.status in (401, 403):
                raise KubernetesError(
                    f"The cluster refused to list {what} ({exc.status}); check the credentials' permissions."
                ) from exc
            retryable = exc.status == 429 or (exc.status or 0) >= 500
            raise KubernetesError(f"The cluster answered {exc.status} when listing {what}.", retryable=retryable) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise KubernetesError(f"The cluster could not be reached while listing {what}.", retryable=True) from exc
        try:
            data = json.loads(response.data)
        except (ValueError, TypeError) as exc:
            raise KubernetesError(f"The cluster's answer for {what} is not valid JSON.") from exc
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise KubernetesError(f"The cluster's answer for {what} is not a list of objects.")
        return items


def _builtin_lists(api: client.ApiClient) -> list[tuple[str, str, str, Callable[..., Any]]]:
    """(what, apiVersion, kind, list call) for the built-in kinds, namespaces first."""
    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    return [
        ("namespaces", "v1", "Namespace", core.list_namespace),
        ("deployments", "apps/v1", "Deployment", apps.list_deployment_for_all_namespaces),
        ("stateful sets", "apps/v1", "StatefulSet", apps.list_stateful_set_for_all_namespaces),
        ("daemon sets", "apps/v1", "DaemonSet", apps.list_daemon_set_for_all_namespaces),
        (
            "network policies",
            "networking.k8s.io/v1",
            "NetworkPolicy",
            client.NetworkingV1Api(api).list_network_policy_for_all_namespaces,
        ),
        (
            "horizontal pod autoscalers",
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            client.AutoscalingV2Api(api).list_horizontal_pod_autoscaler_for_all_namespaces,
        ),
    ]


def _typed(items: list[dict[str, Any]], api_version: str, kind: str) -> list[dict[str, Any]]:
    # Items of a typed list carry no apiVersion or kind of their own.
    return [{**item, "apiVersion": api_version, "kind": kind} for item in items]


def collect_cluster_live(reader: ClusterReader, *, team_label: str, catalog: ClusterCatalog | None = None) -> Outcome:
    """Read a live cluster. Raises KubernetesError when not even the CRDs could be listed."""
    catalog = catalog or load_catalog()
    crds = reader.list(
        client.ApiextensionsV1Api(reader.api_client).list_custom_resource_definition, "custom resource definitions"
    )
    items: list[Mapping[str, Any]] = _typed(crds or [], "apiextensions.k8s.io/v1", "CustomResourceDefinition")
    listed = {CRD}
    skipped: list[Skipped] = []
    error: KubernetesError | None = None
    custom = client.CustomObjectsApi(reader.api_client)
    reads: list[tuple[str, str, str, Callable[..., Any], dict[str, str]]] = [
        (what, api_version, kind, call, {}) for what, api_version, kind, call in _builtin_lists(reader.api_client)
    ]
    for resource in installed_resources(items, catalog):
        reads.append(
            (
                resource.crd,
                f"{resource.group}/{resource.version}",
                resource.kind,
                custom.list_cluster_custom_object,
                {"group": resource.group, "version": resource.version, "plural": resource.plural},
            )
        )
    for what, api_version, kind, call, kwargs in reads:
        try:
            found = reader.list(call, what, **kwargs)
        except KubernetesError as exc:
            if exc.retryable:
                error = exc
                break
            skipped.append(Skipped(what, str(exc)))
            continue
        if found is None:
            skipped.append(Skipped(what, "the cluster does not serve this resource type"))
            continue
        items.extend(_typed(found, api_version, kind))
        listed.add((api_version.rpartition("/")[0], kind))
    signals, more = cluster_signals(
        items, team_label=team_label, listed=listed, catalog=catalog, endpoint=f"{reader.host} (Kubernetes API)"
    )
    return Outcome(
        signals=tuple(signals),
        skipped=tuple(skipped + more),
        source_url=reader.host,
        api_calls=reader.calls,
        error=error,
        complete=error is None,
    )


def collect_cluster_dump(data: bytes | str, *, team_label: str, source: str, max_bytes: int | None = None) -> Outcome:
    """Read a `kubectl get -o json` dump. Raises DumpError when the dump cannot be used at all."""
    items = parse_dump(data, max_bytes=max_bytes if max_bytes is not None else conf.max_dump_bytes())
    signals, skipped = cluster_signals(items, team_label=team_label, listed=listed_kinds(items), endpoint=f"dump {source}")
    return Outcome(signals=tuple(signals), skipped=tuple(skipped), source_url=source)


def read_snapshot(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a snapshot file under an allowed root: a regular file, read no further than the size limit."""
    limit = max_bytes if max_bytes is not None else conf.max_dump_bytes()
    try:
        return read_regular_file(path, limit)
    except LocalPathError as exc:
        raise DumpError(f"The snapshot cannot be used: {exc}") from exc
