"""Fixtures for the guidance tests (the foundation-urls stand-in is shared)."""

from __future__ import annotations

from terakoya.attendance.tests.conftest import _foundation_urls

__all__ = ["_foundation_urls"]
