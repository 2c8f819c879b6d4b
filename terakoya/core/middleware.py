"""Cross-cutting HTTP behaviour."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Mark every response that may hold personal data ``Cache-Control: no-store``.

    OWASP ASVS 14.2/14.3: sensitive pages must not stay in a shared tablet's browser cache.
    Static assets are served by WhiteNoise before this runs and keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            patch_cache_control(response, no_store=True, private=True)
        return response
