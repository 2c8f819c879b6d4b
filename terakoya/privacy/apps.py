from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "terakoya.privacy"
    label = "privacy"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from terakoya.privacy.declarations import register_external_declarations

        register_external_declarations()
