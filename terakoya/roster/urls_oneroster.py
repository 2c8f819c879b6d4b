"""URLs of the OneRoster pages, included by terakoya/roster/urls.py (prefix roster/oneroster/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from terakoya.roster import views_oneroster as views

urlpatterns: list[URLPattern] = [
    path("roster/oneroster/", views.oneroster_home, name="oneroster_home"),
    path("roster/oneroster/import/", views.oneroster_upload, name="oneroster_upload"),
    path(
        "roster/oneroster/import/<uuid:token>/",
        views.oneroster_preview,
        name="oneroster_preview",
    ),
    path(
        "roster/oneroster/export/board/<uuid:board_uuid>/",
        views.oneroster_export_board,
        name="oneroster_export_board",
    ),
    path(
        "roster/oneroster/export/school/<uuid:school_uuid>/",
        views.oneroster_export_school,
        name="oneroster_export_school",
    ),
    path("roster/oneroster/api/import/", views.oneroster_api_import, name="oneroster_api_import"),
]
