"""URLs of the dashboards (prefix ``dashboard/``), included by the insights app's urls."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.insights.dashboards import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/classes/", views.classes, name="dashboard_classes"),
    path("dashboard/classes/<uuid:class_uuid>/", views.class_dashboard, name="dashboard_class"),
    path(
        "dashboard/classes/<uuid:class_uuid>/class.csv", views.class_csv, name="dashboard_class_csv"
    ),
    path(
        "dashboard/classes/<uuid:class_uuid>/cracks.csv",
        views.cracks_csv,
        name="dashboard_cracks_csv",
    ),
    path(
        "dashboard/classes/<uuid:class_uuid>/learners/<uuid:learner_uuid>/",
        views.learner_detail,
        name="dashboard_learner",
    ),
    path(
        "dashboard/classes/<uuid:class_uuid>/learners/<uuid:learner_uuid>/suggestions/",
        views.suggestion_decide,
        name="dashboard_suggestion_decide",
    ),
    path("dashboard/me/", views.me, name="dashboard_me"),
    path("dashboard/family/", views.family, name="dashboard_family"),
    path("dashboard/learners/<uuid:learner_uuid>/", views.own_learner, name="dashboard_own"),
    path("dashboard/school/", views.school, name="dashboard_school"),
    path("dashboard/school.csv", views.school_csv, name="dashboard_school_csv"),
    path("dashboard/board/", views.board, name="dashboard_board"),
]
