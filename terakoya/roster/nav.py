"""Navigation entries of the roster app."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS: list[NavItem] = [
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
    NavItem(
        url_name="roster:oneroster_home",
        label_ja="名簿の取り込み・書き出し(OneRoster)",
        label_en="Roster import/export (OneRoster)",
        roles=frozenset({"school_admin", "board_admin"}),
        icon="⇅",
        order=81,
    ),
]
