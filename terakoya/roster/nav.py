"""Roster pages in the navigation (terakoya.web.nav)."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        url_name="roster:oneroster_home",
        label_ja="名簿の取り込み・書き出し(OneRoster)",
        label_en="Roster import/export (OneRoster)",
        roles=frozenset({"school_admin", "board_admin"}),
        icon="⇅",
        order=80,
    ),
]
