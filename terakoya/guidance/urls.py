"""URLs of the guidance app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.guidance import views

app_name = "guidance"

urlpatterns: list[URLPattern | URLResolver] = [
    path("guidance/", views.index, name="index"),
    path("guidance/learners/<uuid:learner_uuid>/", views.learner_notes, name="learner"),
    path("guidance/notes/<uuid:note_uuid>/", views.note_detail, name="note_detail"),
]
