from __future__ import annotations

from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "terakoya.roster"
    label = "roster"
    default_auto_field = "django.db.models.BigAutoField"
