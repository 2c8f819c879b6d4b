"""Test-only urlconf: the project's urls plus stand-ins for foundation pages not yet merged."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import include, path

from terakoya.config.urls import urlpatterns as project


def _stub(request):
    return HttpResponse("stub")


urlpatterns = [
    path("stub/", include(([path("signout/", _stub, name="signout")], "accounts"))),
    path(
        "stub/",
        include(
            (
                [
                    path("privacy/", _stub, name="privacy_notice"),
                    path("home/", _stub, name="home"),
                ],
                "web",
            )
        ),
    ),
    *project,
]
