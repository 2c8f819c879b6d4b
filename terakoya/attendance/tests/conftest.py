"""Fixtures for the school-affairs tests."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse


@pytest.fixture(autouse=True)
def _foundation_urls(settings):
    """Until the foundation's sign-out and privacy-notice pages are on this branch, pages that
    extend web/base.html need those names: serve them from a stub urlconf (tests only)."""
    try:
        reverse("web:privacy_notice")
        reverse("accounts:signout")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "terakoya.attendance.tests.stub_urls"
        clear_url_caches()
    yield
    clear_url_caches()
