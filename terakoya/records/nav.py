"""Navigation entries of the records app."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS = [
    NavItem(
        "records:client_list",
        "学習記録(xAPI)の接続",
        "Learning-record (xAPI) connections",
        frozenset({"school_admin"}),
        icon="🔌",
        order=85,
    ),
]
