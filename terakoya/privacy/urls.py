"""URLs of the privacy app. Paths carry their own prefix; all apps are mounted at the root."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from terakoya.privacy import views

app_name = "privacy"

urlpatterns: list[URLPattern | URLResolver] = [
    path("privacy/consent/", views.consent_page, name="consent"),
    path("privacy/consent/<uuid:learner_uuid>/", views.consent_change, name="consent_change"),
    path(
        "privacy/consent/receipt/<uuid:event_uuid>.<str:fmt>",
        views.consent_receipt,
        name="consent_receipt",
    ),
    path("privacy/access-log/", views.access_log, name="access_log"),
    path("privacy/notice/", views.notice, name="notice"),
    path("privacy/data/", views.my_data, name="my_data"),
    path("privacy/data/<uuid:person_uuid>/download/", views.data_download, name="data_download"),
    path("privacy/data/<uuid:person_uuid>/erase/", views.data_erase, name="data_erase"),
    path("privacy/public-key.pem", views.receipt_public_key, name="public_key"),
]
