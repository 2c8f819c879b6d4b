"""Navigation entries of the guidance notes."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "guidance:index",
        "指導記録",
        "Guidance notes",
        frozenset({"teacher", "principal", "special_support"}),
        icon="📝",
        order=40,
    ),
]
