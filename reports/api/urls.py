"""URLs of the reports' API, mounted under /api/v1/ by the shell."""

from django.urls import path

from assessor.api.urls import ORG, TEAM
from reports.api import exports, reports, rules, scores

urlpatterns = [
    path(TEAM + "scores/", scores.TeamScoreHistory.as_view(), name="team-scores"),
    path(ORG + "scores/", scores.ScoreList.as_view(), name="scores"),
    path(ORG + "reports/gaps/", reports.GapReport.as_view(), name="report-gaps"),
    path(ORG + "reports/trends/", reports.TrendReport.as_view(), name="report-trends"),
    path(ORG + "reports/practices/", reports.PracticesReport.as_view(), name="report-practices"),
    path(ORG + "reports/delivery/", reports.DeliveryReport.as_view(), name="report-delivery"),
    path(ORG + "reports/rules/", rules.RuleList.as_view(), name="report-rules"),
    path("export/tag/", exports.TagExport.as_view(), name="export-tag"),
    path("export/tag/schema/", exports.TagExportSchema.as_view(), name="export-tag-schema"),
    path("export/tag/preview/", exports.ReleasePreview.as_view(), name="export-tag-preview"),
    path("export/tag/releases/", exports.ReleaseList.as_view(), name="export-tag-releases"),
    path("export/tag/releases/<int:number>/", exports.ReleaseDownload.as_view(), name="export-tag-release"),
    path("export/answers/", exports.AnswerExport.as_view(), name="export-answers"),
]
