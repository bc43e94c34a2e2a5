"""URLs of the reports app: dashboards under /dashboard/, wave exports, and the email unsubscribe page."""

from django.urls import path

from reports.views import delivery, export, gaps, overview, people, practices, release, rules, tags, team, trends, unsubscribe

app_name = "reports"

urlpatterns = [
    path("dashboard/", overview.overview, name="overview"),
    path("dashboard/teams/<int:team_id>/", team.team_page, name="team"),
    path("dashboard/gaps/", gaps.gaps, name="gaps"),
    path("dashboard/trends/", trends.trends, name="trends"),
    path("dashboard/practices/", practices.practices, name="practices"),
    path("dashboard/delivery/", delivery.delivery, name="delivery"),
    path("dashboard/rules/", rules.rules, name="rules"),
    path("dashboard/waves/<int:wave_id>/report.html", export.wave_html, name="wave_export_html"),
    path("dashboard/waves/<int:wave_id>/scores.csv", export.wave_csv, name="wave_export_csv"),
    path("dashboard/waves/<int:wave_id>/release/", release.wave_release, name="wave_release"),
    path("dashboard/waves/<int:wave_id>/tags/", tags.wave_tags, name="wave_tags"),
    path("dashboard/waves/<int:wave_id>/people/", people.wave_people_page, name="wave_people"),
    path("dashboard/waves/<int:wave_id>/people.csv", people.wave_people_csv, name="wave_people_csv"),
    path("dashboard/waves/<int:wave_id>/people/invite/", people.wave_people_invite, name="wave_people_invite"),
    path("dashboard/waves/<int:wave_id>/people/send/", people.wave_people_send, name="wave_people_send"),
    path("email/unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]
