from __future__ import annotations

from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "terakoya.interop"
    label = "interop"
    default_auto_field = "django.db.models.BigAutoField"
