"""URLs of the insights app (prefix ``insights/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.insights import views

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("insights/skills/", views.skill_parameters, name="skill_parameters"),
    path("insights/skills.csv", views.skill_parameters_csv, name="skill_parameters_csv"),
    path("insights/privacy-budget/", views.privacy_ledger, name="privacy_ledger"),
    path("insights/classes/", views.mastery_classes, name="mastery_classes"),
    path("insights/classes/<uuid:class_uuid>/mastery/", views.class_mastery, name="class_mastery"),
    path("insights/school/", views.school_dashboard, name="school_dashboard"),
    path("insights/school.csv", views.school_dashboard_csv, name="school_dashboard_csv"),
]
