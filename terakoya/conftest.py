"""Shared fixtures: the personas of STYLE.md live in terakoya/testing.py."""

from __future__ import annotations

pytest_plugins = ["terakoya.testing"]
