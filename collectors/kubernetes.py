"""Kubernetes adapter (the official client): reads a live cluster, or a checked dump, into cluster signals.

Every request is bounded as a whole (KUBERNETES_TIMEOUT covers connecting, waiting and reading the body, with no
hidden urllib3 retries) and counted. Lists are paged with `limit`/`continue`; CRDs are read as metadata only, and
the versions of the custom resources come from discovery. A list that is refused, not served or cut short is
recorded as skipped and its signals stay unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kubernetes import client, config
from kubernetes.config.config_exception import ConfigException

from collectors import conf
from collectors.cluster import BUILTIN_KINDS, CRD, cluster_signals, load_catalog, resources_to_read
from collectors.cluster_catalog import XRD, ClusterCatalog, ResourceKind, as_dict, as_list, as_str, xrd_offers
from collectors.dump import DumpError, dump_coverage, read_dump
from collectors.k8s_http import ClusterReader, KubernetesError, ListNotRead
from collectors.localpaths import LocalPathError, read_regular_file
from collectors.records import Outcome, Skipped

__all__ = ["ClusterReader", "KubernetesError", "collect_cluster_dump", "collect_cluster_live", "read_snapshot"]

IN_CLUSTER = "in-cluster"
METADATA_ONLY = {"Accept": "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"}
HEAVY_PAGE = 50  # Crossplane definitions carry whole schemas
BIG_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


def api_client_for(context: str) -> client.ApiClient:
    """An API client for a kubeconfig context, or for the pod's own service account when context is "in-cluster"."""
    configuration = client.Configuration()
    configuration.retries = False  # one request is one request: the reader bounds and retries calls itself
    try:
        if context == IN_CLUSTER:
            config.load_incluster_config(client_configuration=configuration)
            return client.ApiClient(configuration)
        return config.new_client_from_config(
            config_file=conf.kubeconfig(), context=context or None, persist_config=False, client_configuration=configuration
        )
    except (ConfigException, OSError) as exc:
        raise KubernetesError(f"Could not load credentials for context {context!r}: {exc}") from exc


def _slim_metadata(metadata: Any) -> dict[str, Any]:
    kept = {k: v for k, v in as_dict(metadata).items() if k != "managedFields"}
    annotations = as_dict(kept.get("annotations"))
    if any(key in annotations for key in BIG_ANNOTATIONS):
        kept["annotations"] = {k: v for k, v in annotations.items() if k not in BIG_ANNOTATIONS}
    return kept


def slim(item: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of an object the signals read, so that a page's memory is released as soon as it is parsed:
    metadata without managed fields, the spec without the pod spec beyond containers' resources, no status."""
    kept: dict[str, Any] = {"metadata": _slim_metadata(item.get("metadata"))}
    for key in ("apiVersion", "kind"):
        if key in item:
            kept[key] = item[key]
    spec = as_dict(item.get("spec"))
    if not spec:
        return kept
    small = {k: v for k, v in spec.items() if k not in ("template", "versions", "validation", "source", "sources")}
    if "versions" in spec:  # CRDs and Crossplane definitions: names of versions, not their schemas
        small["versions"] = [
            {k: v for k, v in as_dict(version).items() if k in ("name", "served", "storage", "referenceable")}
            for version in as_list(spec.get("versions"))
        ]
    template = as_dict(spec.get("template"))
    if template:
        containers = as_list(as_dict(template.get("spec")).get("containers"))
        small["template"] = {
            "metadata": as_dict(template.get("metadata")),
            "spec": {"containers": [{"resources": as_dict(c).get("resources")} for c in containers if isinstance(c, dict)]},
        }
    kept["spec"] = small
    return kept


def _crd_name(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CRD as far as the signals need it: its name (plural.group). Servers that ignore the metadata-only
    request send whole objects; only the name is kept of those too."""
    return {"metadata": {"name": as_str(as_dict(item.get("metadata")).get("name"))}}


class _LiveRun:
    """The lists of one live collection: what was read whole, what was skipped, and the first error worth retrying."""

    def __init__(self, reader: ClusterReader) -> None:
        self.reader = reader
        self.items: list[Mapping[str, Any]] = []
        self.listed: set[tuple[str, str]] = set()
        self.skipped: list[Skipped] = []
        self.error: KubernetesError | None = None
        self.stopped = False

    def read(
        self,
        what: str,
        api_version: str,
        kind: str,
        path: str,
        *,
        keep: Callable[[Mapping[str, Any]], dict[str, Any]] = slim,
        page_size: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]] | None:
        """The items of one list, typed and slimmed; None when it was not read whole (and why is recorded)."""
        if self.stopped:
            self.skipped.append(Skipped(what, "not read: the cluster stopped answering earlier in the run"))
            return None
        try:
            items = self.reader.list_all(path, what, keep=keep, page_size=page_size, headers=headers)
        except ListNotRead as exc:
            self.skipped.append(Skipped(exc.what, exc.message))
            if exc.retryable and self.error is None:
                self.error = exc
            return None
        except KubernetesError as exc:  # the cluster cannot be reached or refuses the credentials: stop here
            self.skipped.append(Skipped(what, exc.message))
            self.error = exc
            self.stopped = True
            return None
        typed = [{**item, "apiVersion": api_version, "kind": kind} for item in items]
        self.items.extend(typed)
        self.listed.add((api_version.rpartition("/")[0], kind))
        return typed


BUILTIN_LISTS = (  # (what, apiVersion, kind, path), namespaces first
    ("namespaces", "v1", "Namespace", "/api/v1/namespaces"),
    ("deployments", "apps/v1", "Deployment", "/apis/apps/v1/deployments"),
    ("stateful sets", "apps/v1", "StatefulSet", "/apis/apps/v1/statefulsets"),
    ("daemon sets", "apps/v1", "DaemonSet", "/apis/apps/v1/daemonsets"),
    ("network policies", "networking.k8s.io/v1", "NetworkPolicy", "/apis/networking.k8s.io/v1/networkpolicies"),
    (
        "horizontal pod autoscalers",
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        "/apis/autoscaling/v2/horizontalpodautoscalers",
    ),
)
CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"


def _preferred_versions(run: _LiveRun) -> dict[str, str] | None:
    """Each served API group's preferred version, from discovery (one small request)."""
    reader = run.reader
    try:
        groups = reader.get("/apis", "the API groups (discovery)")
    except KubernetesError as exc:
        run.skipped.append(Skipped("the API groups (discovery)", exc.message))
        run.error = run.error or (exc if exc.retryable or not isinstance(exc, ListNotRead) else None)
        run.stopped = not isinstance(exc, ListNotRead)
        return None
    found = {}
    for group in as_list(as_dict(groups).get("groups")):
        name = as_str(as_dict(group).get("name"))
        version = as_str(as_dict(as_dict(group).get("preferredVersion")).get("version"))
        if name and version:
            found[name] = version
    return found


def _installed(run: _LiveRun, crd_names: set[str], catalog: ClusterCatalog) -> list[ResourceKind]:
    """The catalogued custom resources the cluster has, with the version to read; then the claims and namespaced
    composites its Crossplane definitions offer."""
    wanted = [r for r in catalog.resources if r.crd in crd_names]
    if not wanted:
        return []
    versions = _preferred_versions(run)
    if versions is None:
        run.skipped.extend(Skipped(r.crd, "not read: the API groups could not be discovered") for r in wanted)
        return wanted  # installed, so the signals that count them stay unknown
    installed = []
    for resource in wanted:
        version = versions.get(resource.group, "")
        installed.append(
            ResourceKind(resource.crd, resource.group, resource.kind, resource.role, resource.plural, version, resource.tool)
        )
        if not version:
            run.skipped.append(Skipped(resource.crd, "the CRD exists but the cluster does not serve its API group"))
        elif resource.key == XRD:
            definitions = _read_custom(run, installed[-1], page_size=HEAVY_PAGE)
            offers = xrd_offers(definitions or [])
            installed.extend(offer for offer in offers if offer.crd in crd_names)
    return installed


def _read_custom(run: _LiveRun, resource: ResourceKind, *, page_size: int | None = None) -> list[dict[str, Any]] | None:
    group_version = f"{resource.group}/{resource.version}"
    return run.read(
        f"{group_version} {resource.plural}",
        group_version,
        resource.kind,
        f"/apis/{group_version}/{resource.plural}",
        page_size=page_size,
    )


def collect_cluster_live(reader: ClusterReader, *, team_label: str, catalog: ClusterCatalog | None = None) -> Outcome:
    """Read a live cluster. Raises KubernetesError when its very first answer shows that nothing can be read
    (unreachable, credentials refused, an untrusted certificate)."""
    catalog = catalog or load_catalog()
    run = _LiveRun(reader)
    crds = run.read(
        "custom resource definitions", "apiextensions.k8s.io/v1", CRD[1], CRD_PATH, keep=_crd_name, headers=METADATA_ONLY
    )
    if run.stopped and run.error is not None:
        raise run.error
    installed: list[ResourceKind] = []
    if crds is not None:
        installed = _installed(run, {as_str(as_dict(c.get("metadata")).get("name")) for c in crds}, catalog)
    else:
        run.skipped.append(Skipped("custom resources", "not read: without the CRDs, which of them exist is unknown"))
    for what, api_version, kind, path in BUILTIN_LISTS:
        run.read(what, api_version, kind, path)
    for resource in installed:
        if resource.version and resource.key != XRD:
            _read_custom(run, resource)
    signals, notes = cluster_signals(
        run.items,
        team_label=team_label,
        listed=run.listed,
        catalog=catalog,
        installed=installed,
        endpoint=f"{reader.host} (Kubernetes API)",
    )
    return Outcome(
        signals=tuple(signals),
        skipped=tuple(run.skipped + notes),
        source_url=reader.host,
        api_calls=reader.calls,
        error=run.error,
        complete=run.error is None and not run.skipped,
    )


def _wanted(items: list[Mapping[str, Any]], catalog: ClusterCatalog) -> dict[tuple[str, str], str]:
    """The kinds the signals read, with what each is for: built-in ones, and the custom resources the dump's
    CRDs and Crossplane definitions say exist."""
    wanted = dict(BUILTIN_KINDS)
    wanted.update({r.key: r.role for r in resources_to_read(items, catalog)})
    return wanted


def collect_cluster_dump(data: bytes | str, *, team_label: str, source: str, max_bytes: int | None = None) -> Outcome:
    """Read a `kubectl get -o json` dump: evidence only for the kinds it holds. Raises DumpError when the dump
    cannot be used at all, or holds nothing the signals read."""
    catalog = load_catalog()
    dump = read_dump(data, max_bytes=max_bytes if max_bytes is not None else conf.max_dump_bytes())
    coverage = dump_coverage(dump, _wanted(dump.items, catalog))
    signals, skipped = cluster_signals(
        dump.items, team_label=team_label, listed=coverage.listed, catalog=catalog, endpoint=f"dump {source}"
    )
    if not signals:
        raise DumpError(coverage.nothing_usable())
    return Outcome(
        signals=tuple(signals),
        skipped=tuple(coverage.skipped() + skipped),
        source_url=source,
        complete=coverage.whole,
        state={"dump": coverage.summary()},
    )


def read_snapshot(path: str | Path, *, max_bytes: int | None = None) -> bytes:
    """The bytes of a snapshot file under an allowed root: a regular file, read no further than the size limit."""
    limit = max_bytes if max_bytes is not None else conf.max_dump_bytes()
    try:
        return read_regular_file(path, limit)
    except LocalPathError as exc:
        raise DumpError(f"The snapshot cannot be used: {exc}") from exc
