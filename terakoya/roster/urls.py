"""URLs of the roster app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from terakoya.roster import urls_oneroster

app_name = "roster"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_oneroster.urlpatterns  # OneRoster import/export (roster/oneroster/…)
