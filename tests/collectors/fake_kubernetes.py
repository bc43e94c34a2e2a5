"""A local stand-in for kube-apiserver, on a real HTTP server on loopback, answering as the real one does.

Discovery (/api, /apis, /apis/<group>[/<version>]) is derived from the built-in kinds and the CRDs it holds, so an
installed CRD is a served resource unless its group is unserved. Lists page with `limit`/`continue` and carry
`metadata.resourceVersion` and `remainingItemCount`; typed lists of built-in kinds leave `apiVersion` and `kind`
out of their items, custom resources keep them; an `Accept` asking for PartialObjectMetadataList gets metadata
only. Faults answer with Status objects shaped as Kubernetes writes them.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kubernetes"
METADATA_ONLY = "as=PartialObjectMetadataList"
ACCOUNT = "system:serviceaccount:assessor:collector"


@dataclass
class Resource:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True
    items: list[dict[str, Any]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    typed_items: bool = False  # built-in typed lists leave apiVersion and kind out of their items

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def path(self) -> str:
        return f"/api/v1/{self.plural}" if not self.group else f"/apis/{self.group}/{self.version}/{self.plural}"


def _load(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / name).read_text())["items"]


BUILTINS = [
    ("", "v1", "namespaces", "Namespace", False, "namespaces.json"),
    ("apps", "v1", "deployments", "Deployment", True, "deployments.json"),
    ("apps", "v1", "statefulsets", "StatefulSet", True, "statefulsets.json"),
    ("apps", "v1", "daemonsets", "DaemonSet", True, "daemonsets.json"),
    ("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", True, "networkpolicies.json"),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True, "hpas.json"),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False, "crds.json"),
]
CUSTOM_ITEMS = {
    "applications.argoproj.io": "argocd-applications.json",
    "compositeresourcedefinitions.apiextensions.crossplane.io": "compositeresourcedefinitions.json",
    "postgresqlinstances.platform.acme.io": "claims.json",
    "buckets.storage.acme.io": "buckets.json",
    "scaledobjects.keda.sh": "scaledobjects.json",
}


def status(code: int, reason: str, message: str, **extra: Any) -> dict[str, Any]:
    """A Status object as kube-apiserver writes one."""
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": extra.pop("metadata", {}), "status": "Failure"}
    body.update({"message": message, "reason": reason})
    if "details" in extra:
        body["details"] = extra.pop("details")
    body["code"] = code
    return body


def _version_priority(version: str) -> tuple[int, int, int]:
    """Kubernetes' order of versions: GA before beta before alpha, higher numbers first."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (0, 0, 0)
    stage = {"alpha": 1, "beta": 2, None: 3}[match.group(2)]
    return (stage, int(match.group(1)), int(match.group(3) or 0))


@dataclass
class Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None: every time


@dataclass
class FakeKubernetes:
    requests: list[str] = field(default_factory=list)
    queries: list[dict[str, str]] = field(default_factory=list)
    accepts: list[str] = field(default_factory=list)
    token: str | None = None  # when set, requests must carry it as a bearer token
    resources: dict[str, Resource] = field(default_factory=dict)
    unserved: set[str] = field(default_factory=set)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    drips: dict[str, tuple[int, float]] = field(default_factory=dict)
    stalls: dict[str, float] = field(default_factory=dict)  # path -> seconds before the answer starts
    expire_continue: dict[str, int] = field(default_factory=dict)  # path -> continue tokens still to expire
    resource_version: int = 5200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.resources:
            for group, version, plural, kind, namespaced, fixture in BUILTINS:
                self.add(Resource(group, version, plural, kind, namespaced, _load(fixture), typed_items=True))
            self.sync_crds()

    # ---- the cluster's contents

    def add(self, resource: Resource) -> Resource:
        self.resources[resource.path] = resource
        return resource

    @property
    def crds(self) -> list[dict[str, Any]]:
        return self.resources["/apis/apiextensions.k8s.io/v1/customresourcedefinitions"].items

    def sync_crds(self) -> None:
        """Serve a resource for each CRD's served versions (items from the fixtures where there are some)."""
        for crd in self.crds:
            spec = crd["spec"]
            name = crd["metadata"]["name"]
            items = _load(CUSTOM_ITEMS[name]) if name in CUSTOM_ITEMS else []
            for version in spec["versions"]:
                if not version.get("served"):
                    continue
                mine = [{**item, "apiVersion": f"{spec['group']}/{version['name']}"} for item in items]
                resource = Resource(
                    spec["group"],
                    version["name"],
                    spec["names"]["plural"],
                    spec["names"]["kind"],
                    spec["scope"] == "Namespaced",
                    mine,
                    spec["names"].get("categories", []),
                )
                self.resources.setdefault(resource.path, resource)

    def set_items(self, path: str, items: list[dict[str, Any]]) -> None:
        self.resources[path].items = items

    # ---- faults

    def fail(self, path: str, code: int, *, times: int | None = None, headers: dict[str, str] | None = None) -> None:
        reasons = {
            429: ("TooManyRequests", "Too many requests, please try again later.", {"retryAfterSeconds": 1}),
            500: (
                "InternalError",
                "Internal error occurred: etcdserver: request timed out",
                {"causes": [{"message": "etcdserver: request timed out"}]},
            ),
            503: ("ServiceUnavailable", "the server is currently unable to handle the request", {}),
        }
        reason, message, details = reasons.get(code, ("InternalError", "boom", {}))
        body = status(code, reason, message, details=details) if details else status(code, reason, message)
        self.faults.setdefault(path, []).append(Fault(code, body, headers or {}, times))

    def forbid(self, path: str) -> None:
        """RBAC refuses to list this resource (the rest stays readable)."""
        resource = self.resources[path]
        message = (
            f'{resource.plural}{"." + resource.group if resource.group else ""} is forbidden: User "{ACCOUNT}" cannot list '
            f'resource "{resource.plural}" in API group "{resource.group}" at the cluster scope'
        )
        body = status(403, "Forbidden", message, details={"group": resource.group, "kind": resource.plural})
        self.faults.setdefault(path, []).append(Fault(403, body))

    def unserve(self, group: str) -> None:
        """The group is not served (an aggregated API down, a CRD whose controller removed its versions)."""
        self.unserved.add(group)

    def drip(self, path: str, *, chunks: int, every: float) -> None:
        """Send this list's body slowly, a small chunk at a time."""
        self.drips[path] = (chunks, every)

    def stall(self, path: str, seconds: float) -> None:
        """Wait this long before answering (no byte at all until then)."""
        self.stalls[path] = seconds

    def raw(self, path: str, code: int, body: str, content_type: str = "application/json") -> None:
        self.faults.setdefault(path, []).append(Fault(code, {"__raw__": body, "__type__": content_type}))

    # ---- serving

    def install(self, httpserver: Any) -> str:
        httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("/").rstrip("/")

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request.path)
            self.queries.append(dict(request.args))
            self.accepts.append(request.headers.get("Accept", ""))
        if self.token is not None and request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, status(401, "Unauthorized", "Unauthorized"))
        if request.path in self.stalls:
            time.sleep(self.stalls[request.path])
        fault = self._fault(request.path)
        if fault is not None:
            if "__raw__" in fault.body:
                return Response(fault.body["__raw__"], status=fault.status, content_type=fault.body["__type__"])
            return self._json(fault.status, fault.body, fault.headers)
        if request.path == "/api":
            return self._json(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})
        if request.path in ("/apis", "/apis/"):
            return self._json(200, self._group_list())
        discovery = re.fullmatch(r"/apis/([^/]+)(?:/([^/]+))?", request.path)
        if discovery or request.path == "/api/v1":
            return self._discovery(*(discovery.groups() if discovery else ("", "v1")))
        resource = self.resources.get(request.path)
        if resource is None or resource.group in self.unserved:
            return self._not_found()
        return self._list(request, resource)

    def _fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults.get(path, []):
                if fault.times is None:
                    return fault
                if fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=code, content_type="application/json", headers=headers or {})

    def _not_found(self) -> Response:
        return self._json(404, status(404, "NotFound", "the server could not find the requested resource", details={}))

    def _served(self) -> dict[str, list[Resource]]:
        groups: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            if resource.group and resource.group not in self.unserved:
                groups.setdefault(resource.group, []).append(resource)
        return groups

    def _group(self, name: str, resources: list[Resource]) -> dict[str, Any]:
        versions = sorted({r.version for r in resources}, key=_version_priority, reverse=True)
        entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
        return {"name": name, "versions": entries, "preferredVersion": entries[0]}

    def _group_list(self) -> dict[str, Any]:
        groups = [self._group(name, resources) for name, resources in sorted(self._served().items())]
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def _discovery(self, group: str, version: str | None) -> Response:
        served = [r for r in self.resources.values() if r.group == group and group not in self.unserved]
        if not served:
            return self._not_found()
        if version is None:
            return self._json(200, {"kind": "APIGroup", "apiVersion": "v1", **self._group(group, served)})
        mine = [r for r in served if r.version == version]
        if not mine:
            return self._not_found()
        listed = [
            {
                "name": r.plural,
                "singularName": r.kind.lower(),
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
                **({"categories": r.categories} if r.categories else {}),
            }
            for r in mine
        ]
        gv = mine[0].group_version
        return self._json(200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": listed})

    def _list(self, request: Request, resource: Resource) -> Response:
        path = request.path
        limit = int(request.args.get("limit") or 0)
        token = request.args.get("continue")
        start, list_version = 0, str(self.resource_version)
        if token:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
                start, list_version = int(decoded["start"]), str(decoded["rv"])
            except (ValueError, KeyError, TypeError):
                return self._json(400, status(400, "BadRequest", "continue key is not valid: illegal base64 data"))
            with self.lock:
                expiring = self.expire_continue.get(path, 0)
                if expiring:
                    self.expire_continue[path] = expiring - 1
            if expiring:
                fresh = self._token(start, self.resource_version + 17)
                return self._json(
                    410,
                    status(
                        410,
                        "Expired",
                        "The provided continue parameter is too old to display a consistent list result. You can start "
                        "a new list without the continue parameter, or use the continue token in this response to "
                        "retrieve the remainder of the results. Continuing with the provided token results in an "
                        "inconsistent list - objects that were created, modified, or deleted between the time the first "
                        "chunk was returned and now may show up in the list.",
                        metadata={"continue": fresh},
                    ),
                )
        items = resource.items[start : start + limit] if limit else resource.items[start:]
        end = start + len(items)
        metadata: dict[str, Any] = {"resourceVersion": list_version}
        if end < len(resource.items):
            metadata["continue"] = self._token(end, int(list_version))
            metadata["remainingItemCount"] = len(resource.items) - end
        if METADATA_ONLY in request.headers.get("Accept", ""):
            body = {
                "kind": "PartialObjectMetadataList",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": metadata,
                "items": [
                    {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": copy.deepcopy(i["metadata"])}
                    for i in items
                ],
            }
        else:
            shaped = (
                items
                if not resource.typed_items
                else [{k: v for k, v in i.items() if k not in ("apiVersion", "kind")} for i in items]
            )
            body = {"kind": f"{resource.kind}List", "apiVersion": resource.group_version, "metadata": metadata, "items": shaped}
        text = json.dumps(body).encode()
        if path in self.drips:
            chunks, every = self.drips[path]
            return Response(self._dripping(text, chunks, every), status=200, content_type="application/json")
        return Response(text, status=200, content_type="application/json")

    def _token(self, start: int, version: int) -> str:
        return base64.urlsafe_b64encode(json.dumps({"v": "meta.k8s.io/v1", "rv": version, "start": start}).encode()).decode()

    @staticmethod
    def _dripping(text: bytes, chunks: int, every: float) -> Iterator[bytes]:
        size = max(1, len(text) // chunks)
        for offset in range(0, len(text), size):
            time.sleep(every)
            yield text[offset : offset + size]


def certificate_pair(directory: Path) -> tuple[Path, Path, Path]:
    """(certificate, key) of a loopback server signed by its own CA, and the file of a different CA: a client that
    trusts only the latter fails verification as it would against a cluster with the wrong CA in its kubeconfig."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def build(subject: str, issuer: str, key: Any, signer: Any, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name(issuer))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            import ipaddress

            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    cluster_ca_key, other_ca_key, server_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    server = build("kube-apiserver", "cluster-ca", server_key, cluster_ca_key, ca=False)
    other_ca = build("some-other-ca", "some-other-ca", other_ca_key, other_ca_key, ca=True)
    paths = directory / "server.crt", directory / "server.key", directory / "other-ca.crt"
    paths[0].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(
        server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    paths[2].write_bytes(other_ca.public_bytes(serialization.Encoding.PEM))
    return paths
