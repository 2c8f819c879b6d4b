"""URLs of the interop app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "interop"

urlpatterns: list[URLPattern | URLResolver] = []
