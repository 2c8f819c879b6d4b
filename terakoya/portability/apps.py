from __future__ import annotations

from django.apps import AppConfig


class PortabilityConfig(AppConfig):
    name = "terakoya.portability"
    label = "portability"
    default_auto_field = "django.db.models.BigAutoField"
