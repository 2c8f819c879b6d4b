"""URL configuration: each app mounts its own urls module."""

from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("terakoya.web.urls")),
]
