"""Navigation entries of the roster app."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS = [
    NavItem(
        "roster:class_list",
        "クラス",
        "Classes",
        frozenset({"teacher", "school_admin", "principal", "nurse", "special_support"}),
        icon="🏫",
        order=10,
    ),
    NavItem(
        "roster:people_list",
        "名簿の管理",
        "Manage people",
        frozenset({"school_admin", "principal"}),
        icon="📇",
        order=80,
    ),
]

# OneRoster import/export (terakoya/roster/views_oneroster.py).
ITEMS.append(
    NavItem(
        "roster:oneroster_home",
        "名簿の取り込み・書き出し(OneRoster)",
        "Roster import/export (OneRoster)",
        frozenset({"school_admin", "board_admin"}),
        icon="⇅",
        order=85,
    )
)
