"""URLs of the attendance app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.attendance import views

app_name = "attendance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("attendance/morning/", views.morning, name="morning"),
    path("attendance/settings/", views.school_settings, name="school_settings"),
    path("attendance/board/", views.board_settings, name="board_settings"),
    path(
        "attendance/classes/<uuid:class_uuid>/observation/",
        views.class_observation,
        name="class_observation",
    ),
    path("attendance/classes/<uuid:class_uuid>/register/", views.register, name="register"),
    path(
        "attendance/classes/<uuid:class_uuid>/register/<str:day>/",
        views.register,
        name="register_day",
    ),
    path("attendance/classes/<uuid:class_uuid>/summary/", views.summary, name="summary"),
    path(
        "attendance/classes/<uuid:class_uuid>/summary/csv/", views.summary_csv, name="summary_csv"
    ),
    path(
        "attendance/alerts/<uuid:alert_uuid>/acknowledge/",
        views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("attendance/records/", views.records_index, name="records"),
    path("attendance/learners/<uuid:learner_uuid>/", views.learner_record, name="learner"),
    path("attendance/notices/", views.notice_list, name="notice_list"),
    path("attendance/notices/new/", views.notice_new, name="notice_new"),
    path("attendance/notices/<uuid:notice_uuid>/", views.notice_detail, name="notice_detail"),
    path("attendance/observation/", views.observation, name="observation"),
    path("attendance/health/", views.health_index, name="health_index"),
    path(
        "attendance/health/learners/<uuid:learner_uuid>/",
        views.health_learner,
        name="health_learner",
    ),
    path(
        "attendance/health/learners/<uuid:learner_uuid>/edit/",
        views.health_edit,
        name="health_edit",
    ),
]
