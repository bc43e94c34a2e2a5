"""The files of the demo organization's repositories: one small, deterministic set per team, varied on purpose."""

from __future__ import annotations

WORKFLOW = """name: ci
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""
DEPLOY_WORKFLOW = """name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    uses: northwind/developer-platform-config/.github/workflows/golden-deploy.yml@v3
"""
DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "-m", "app"]\n'
CHART = "apiVersion: v2\nname: {name}\nversion: 0.1.0\n"
HELM_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels: {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    metadata:
      annotations:
        {{- toYaml .Values.podAnnotations | nindent 8 }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"""
RENOVATE = '{\n  "extends": ["config:recommended"]\n}\n'
DEPENDABOT = "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule: {interval: weekly}\n"


def catalog_info(name: str, owner: str, kind: str = "Component") -> str:
    return (
        f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n"
        f"spec:\n  type: service\n  lifecycle: production\n  owner: group:{owner}\n"
    )


def argo_application(name: str, namespace: str) -> str:
    return (
        f"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n"
        f"spec:\n  project: default\n  source:\n    repoURL: https://git.northwind.example/{name}.git\n    path: deploy\n"
        f"  destination:\n    server: https://kubernetes.default.svc\n    namespace: {namespace}\n"
    )


XRD = """apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata:
  name: xpostgresqlinstances.platform.northwind.example
spec:
  group: platform.northwind.example
  names: {kind: XPostgreSQLInstance, plural: xpostgresqlinstances}
  claimNames: {kind: PostgreSQLInstance, plural: postgresqlinstances}
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
"""
COMPOSITION = """apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: postgresql-aws
spec:
  compositeTypeRef: {apiVersion: platform.northwind.example/v1alpha1, kind: XPostgreSQLInstance}
"""
CLAIM = """apiVersion: platform.northwind.example/v1alpha1
kind: PostgreSQLInstance
metadata:
  name: {name}-db
spec:
  parameters: {{storageGB: 20}}
  compositionSelector:
    matchLabels: {{provider: aws}}
  writeConnectionSecretToRef: {{name: {name}-db}}
"""
SCAFFOLDER = """apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: python-service
  title: Python service with a database
spec:
  owner: group:developer-platform
  type: service
  steps:
    - id: fetch
      action: fetch:template
"""
PROMETHEUS_RULE = """apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: platform-slos
spec:
  groups:
    - name: availability
      rules:
        - alert: PortalDown
          expr: up{job="portal"} == 0
"""
ANALYSIS = """apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
spec:
  metrics:
    - name: success-rate
      successCondition: result[0] >= 0.95
"""
FLUX = """apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infrastructure
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure
"""
KYVERNO = """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team-label
spec:
  validationFailureAction: Enforce
"""
GATEKEEPER = """apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names: {kind: K8sRequiredLabels}
"""
DAPR = """apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: pubsub
spec:
  type: pubsub.redis
  version: v1
"""
VELA_APP = """apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: warehouse
spec:
  components:
    - name: api
      type: webservice
      traits:
        - type: scaler
"""
ROLLOUT = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: warehouse-api
spec:
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {duration: 10m}}]
"""
TERRAFORM = 'terraform {\n  required_version = ">= 1.6"\n}\n\nmodule "network" {\n  source = "./modules/network"\n}\n'
REGO = """package kubernetes.admission

deny[msg] {
  not input.request.object.metadata.labels.team
  msg := "every object needs a team label"
}
"""
ISSUE_FORM = """name: Capability request
description: Ask the platform for something new
body:
  - type: textarea
    id: need
    attributes: {label: What do you need?}
"""
KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml]\n"
DEPLOY_SH = "#!/bin/sh\nset -e\nkubectl apply -f k8s/\n"


def _app_basics(slug: str) -> dict[str, str]:
    return {"README.md": f"# {slug}\n", "Dockerfile": DOCKERFILE, "app/__init__.py": "", "app/main.py": "print('hello')\n"}


def _chart(slug: str) -> dict[str, str]:
    return {
        f"charts/{slug}/Chart.yaml": CHART.format(name=slug),
        f"charts/{slug}/values.yaml": "replicas: 2\nimage: {repository: app, tag: latest}\n",
        f"charts/{slug}/templates/deployment.yaml": HELM_DEPLOYMENT,
    }


def files_for(slug: str) -> dict[str, str]:
    """The repository content of one demo team."""
    app = _app_basics(slug)
    catalog = {"catalog-info.yaml": catalog_info(slug, slug)}
    actions = {".github/workflows/ci.yml": WORKFLOW}
    by_team: dict[str, dict[str, str]] = {
        "developer-platform": {
            "README.md": "# Developer platform\n",
            "catalog-info.yaml": catalog_info("developer-portal", "developer-platform"),
            "templates/python-service/template.yaml": SCAFFOLDER,
            "argocd/apps/portal.yaml": argo_application("portal", "portal"),
            "argocd/apps/catalog.yaml": argo_application("catalog-service", "catalog"),
            "crossplane/xrd-postgresql.yaml": XRD,
            "crossplane/composition-postgresql-aws.yaml": COMPOSITION,
            "terraform/main.tf": TERRAFORM,
            "CODEOWNERS": "* @northwind/developer-platform\n/crossplane/ @northwind/data-platform\n",
            "CONTRIBUTING.md": "# Contributing\n\nOpen an issue with the capability request form, then a pull request.\n",
            ".github/ISSUE_TEMPLATE/capability-request.yml": ISSUE_FORM,
            ".github/workflows/ci.yml": WORKFLOW,
            ".github/workflows/golden-deploy.yml": DEPLOY_WORKFLOW,
            "renovate.json": RENOVATE,
            "monitoring/prometheus-rules.yaml": PROMETHEUS_RULE,
            "rollouts/analysis.yaml": ANALYSIS,
            "ROADMAP.md": "# Roadmap\n\n- Q1: self-service queues\n",
            "CHANGELOG.md": "# Changelog\n\n## 3.2.0\n- Postgres claims\n",
            "docs/index.md": "# Using the platform\n",
        },
        "data-platform": {
            "README.md": "# Data platform\n",
            "catalog-info.yaml": catalog_info("managed-postgres", "data-platform", "Resource"),
            "crossplane/xrd-postgresql.yaml": XRD,
            "crossplane/composition.yaml": COMPOSITION,
            **_chart("postgres-operator"),
            "terraform/buckets.tf": TERRAFORM,
            "CODEOWNERS": "* @maria.silva @tom.berg\n",
            ".github/workflows/ci.yml": WORKFLOW,
            ".github/dependabot.yml": DEPENDABOT,
            "docs/postgres.md": "# Requesting a database\n",
        },
        "cloud-infrastructure": {
            "README.md": "# Cloud infrastructure\n",
            "terraform/network/main.tf": TERRAFORM,
            "terraform/clusters/main.tf": TERRAFORM,
            "terraform/accounts/main.tf": TERRAFORM,
            "clusters/prod-eu-1/infrastructure.yaml": FLUX,
            "policies/require-team-label.yaml": KYVERNO,
            "policies/labels.rego": REGO,
            "CODEOWNERS": "* @northwind/cloud-infrastructure\n",
            ".gitlab-ci.yml": "stages: [plan, apply]\nplan:\n  script: terraform plan\n",
            ".github/dependabot.yml": DEPENDABOT,
        },
        "security-engineering": {
            "README.md": "# Security tooling\n",
            "policies/required-labels.yaml": GATEKEEPER,
            "policies/admission.rego": REGO,
            "Jenkinsfile": "pipeline { agent any\n stages { stage('scan') { steps { sh 'trivy fs .' } } } }\n",
            "CODEOWNERS": "* @lena.fischer\n",
        },
        "checkout": {
            **app,
            **catalog,
            **actions,
            ".github/workflows/deploy.yml": DEPLOY_WORKFLOW,
            **_chart("checkout"),
            "deploy/database-claim.yaml": CLAIM.format(name="checkout"),
            "deploy/dapr-pubsub.yaml": DAPR,
            "renovate.json": RENOVATE,
        },
        "catalog": {**app, **catalog, **actions, **_chart("catalog"), "deploy/kustomization.yaml": KUSTOMIZATION},
        "mobile": {**app, **actions, "deploy.sh": DEPLOY_SH, "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"},
        "notifications": {**app, **catalog, **actions, **_chart("notifications"), "dapr/components/pubsub.yaml": DAPR},
        "routing": {
            **app,
            "Jenkinsfile": "pipeline { agent any\n stages { stage('build') { steps { sh 'make' } } } }\n",
            "deploy.sh": DEPLOY_SH,
            "infra/main.tf": TERRAFORM,
        },
        "warehouse": {
            **app,
            **catalog,
            **actions,
            **_chart("warehouse"),
            "deploy/vela-app.yaml": VELA_APP,
            "deploy/rollout.yaml": ROLLOUT,
            "deploy/database-claim.yaml": CLAIM.format(name="warehouse"),
        },
        "billing": {
            **app,
            **catalog,
            **actions,
            "deploy/kustomization.yaml": KUSTOMIZATION,
            ".github/dependabot.yml": DEPENDABOT,
        },
        "analytics": {"README.md": "# Analytics\n", "notebooks/revenue.py": "import pandas\n", "requirements.txt": "pandas\n"},
    }
    return by_team.get(slug, app)
