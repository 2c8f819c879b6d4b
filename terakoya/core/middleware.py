"""Cross-cutting HTTP behaviour."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


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


class JapaneseFirstLocaleMiddleware:
    """Japanese unless the person chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which on shared or
    imported tablets is often English; Terakoya is Japanese first, and English is an explicit
    choice stored in the language cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
