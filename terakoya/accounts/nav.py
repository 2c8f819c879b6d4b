"""Navigation entries of the accounts app (none: sign-in pages are reached from a class)."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS: list[NavItem] = []
