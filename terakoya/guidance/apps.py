from __future__ import annotations

from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "terakoya.guidance"
    label = "guidance"
    default_auto_field = "django.db.models.BigAutoField"
