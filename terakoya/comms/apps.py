from __future__ import annotations

from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "terakoya.comms"
    label = "comms"
    default_auto_field = "django.db.models.BigAutoField"
