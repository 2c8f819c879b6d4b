"""URL configuration. Every app is mounted at the root; each app's paths carry its own prefix
(docs/decisions/0004-app-conventions.md)."""

from __future__ import annotations

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("terakoya.privacy.urls")),
    path("", include("terakoya.roster.urls")),
    path("", include("terakoya.accounts.urls")),
    path("", include("terakoya.courses.urls")),
    path("", include("terakoya.assessment.urls")),
    path("", include("terakoya.records.urls")),
    path("", include("terakoya.gradebook.urls")),
    path("", include("terakoya.attendance.urls")),
    path("", include("terakoya.guidance.urls")),
    path("", include("terakoya.comms.urls")),
    path("", include("terakoya.insights.urls")),
    path("", include("terakoya.portability.urls")),
    path("", include("terakoya.interop.urls")),
    path("", include("terakoya.web.urls")),
]
handler404 = "terakoya.web.views.not_found"
