"""A local stand-in for the Kubernetes API, served by pytest-httpserver from small hand-written JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "kubernetes"

ROUTES = {
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions": "crds.json",
    "/api/v1/namespaces": "namespaces.json",
    "/apis/apps/v1/deployments": "deployments.json",
    "/apis/apps/v1/statefulsets": "empty-list.json",
    "/apis/apps/v1/daemonsets": "empty-list.json",
    "/apis/networking.k8s.io/v1/networkpolicies": "networkpolicies.json",
    "/apis/autoscaling/v2/horizontalpodautoscalers": "hpas.json",
    "/apis/argoproj.io/v1alpha1/applications": "argocd-applications.json",
    "/apis/platform.acme.io/v1/postgresqlinstances": "claims.json",
    "/apis/monitoring.coreos.com/v1/servicemonitors": "empty-list.json",
}


@dataclass
class FakeKubernetes:
    requests: list[str] = field(default_factory=list)
    faults: dict[str, tuple[int, str]] = field(default_factory=dict)

    def install(self, httpserver: Any) -> str:
        httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("/").rstrip("/")

    def fail(self, path: str, status: int, body: str = '{"kind": "Status", "message": "boom"}') -> None:
        self.faults[path] = (status, body)

    def handle(self, request: Request) -> Response:
        self.requests.append(request.path)
        if request.path in self.faults:
            status, body = self.faults[request.path]
            return Response(body, status=status, content_type="application/json")
        name = ROUTES.get(request.path)
        if name is None:
            status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404}
            return Response(json.dumps(status), status=404, content_type="application/json")
        return Response((FIXTURES / name).read_text(), content_type="application/json")
