"""URLs of the privacy app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "privacy"

urlpatterns: list[URLPattern | URLResolver] = []
