"""URLs of the assessment app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.assessment import views

app_name = "assessment"

urlpatterns: list[URLPattern | URLResolver] = [
    path("drills/", views.learner_drills, name="drills"),
    path("drills/<uuid:drill_uuid>/", views.drill_detail, name="drill"),
    path("drills/<uuid:drill_uuid>/start", views.drill_start, name="drill_start"),
    path("attempts/<uuid:attempt_uuid>/", views.attempt_result, name="attempt"),
    path("attempts/<uuid:attempt_uuid>/q/<int:slot>/", views.attempt_question, name="question"),
    path("attempts/<uuid:attempt_uuid>/check/", views.question_done, name="question_done"),
    path("attempts/<uuid:attempt_uuid>/finish", views.attempt_finish, name="attempt_finish"),
    path("questions/", views.question_bank, name="bank"),
    path("questions/export", views.question_export, name="export"),
    path("questions/<uuid:question_uuid>/", views.question_detail, name="question_detail"),
    path("marking/", views.marking_home, name="marking"),
    path("marking/drills/<uuid:drill_uuid>/", views.marking_drill, name="marking_drill"),
    path("marking/attempts/<uuid:attempt_uuid>/", views.marking_attempt, name="marking_attempt"),
]
