"""URLs of the REST API, version 1."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessor.api import (
    ci,
    collection,
    errors,
    evidence,
    exports,
    instruments,
    maturity,
    organizations,
    reports,
    responses,
    scores,
    waves,
)


class IdConverter:
    """A database id: digits that fit a 64-bit integer, so a huge number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "api"

ORG = "orgs/<slug:org>/"
TEAM = ORG + "teams/<id:team>/"
WAVE = ORG + "waves/<id:wave>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("model/versions/", maturity.VersionList.as_view(), name="model-versions"),
    path("model/versions/<id:pk>/", maturity.VersionDetail.as_view(), name="model-version"),
    path("model/aspects/", maturity.AspectList.as_view(), name="model-aspects"),
    path("model/cells/", maturity.CellList.as_view(), name="model-cells"),
    path("instruments/", instruments.InstrumentList.as_view(), name="instruments"),
    path("instruments/<id:pk>/", instruments.InstrumentDetail.as_view(), name="instrument"),
    path("orgs/", organizations.OrganizationList.as_view(), name="orgs"),
    path(ORG, organizations.OrganizationDetail.as_view(), name="org"),
    path(ORG + "teams/", organizations.TeamList.as_view(), name="teams"),
    path(TEAM, organizations.TeamDetail.as_view(), name="team"),
    path(TEAM + "scores/", scores.TeamScoreHistory.as_view(), name="team-scores"),
    path(TEAM + "evidence/", evidence.TeamEvidence.as_view(), name="team-evidence"),
    path(TEAM + "signals/", evidence.TeamSignals.as_view(), name="team-signals"),
    path(ORG + "waves/", waves.WaveList.as_view(), name="waves"),
    path(WAVE, waves.WaveDetail.as_view(), name="wave"),
    path(WAVE + "open/", waves.WaveOpen.as_view(), name="wave-open"),
    path(WAVE + "close/", waves.WaveClose.as_view(), name="wave-close"),
    path(ORG + "scores/", scores.ScoreList.as_view(), name="scores"),
    path(ORG + "reports/gaps/", reports.GapReport.as_view(), name="report-gaps"),
    path(ORG + "reports/trends/", reports.TrendReport.as_view(), name="report-trends"),
    path(ORG + "collections/", collection.CollectionTrigger.as_view(), name="collect"),
    path(ORG + "runs/", collection.CollectionRunList.as_view(), name="runs"),
    path("evidence/", ci.CiEvidencePush.as_view(), name="ci-evidence"),
    path("responses/<str:token>/", responses.ResponseForm.as_view(), name="response"),
    path("responses/<str:token>/submit/", responses.ResponseSubmit.as_view(), name="response-submit"),
    path("export/tag/", exports.TagExport.as_view(), name="export-tag"),
    path("export/tag/schema/", exports.TagExportSchema.as_view(), name="export-tag-schema"),
    path("export/answers/", exports.AnswerExport.as_view(), name="export-answers"),
    re_path(r"^.*$", errors.not_found, name="not-found"),
]
