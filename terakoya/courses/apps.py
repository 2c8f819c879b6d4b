from __future__ import annotations

from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "terakoya.courses"
    label = "courses"
    default_auto_field = "django.db.models.BigAutoField"
