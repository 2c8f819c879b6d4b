"""The privacy pages in each role's menu."""

from __future__ import annotations

from terakoya.web.nav import NavItem

_STAFF = {"teacher", "nurse", "school_admin", "principal", "special_support"}

ITEMS: list[NavItem] = [
    NavItem(
        url_name="privacy:consent",
        label_ja="同意の設定",
        label_en="Consent settings",
        roles=frozenset({"guardian", "learner"}),
        icon="✅",
        order=900,
    ),
    NavItem(
        url_name="privacy:access_log",
        label_ja="閲覧記録",
        label_en="Who looked at my data",
        roles=frozenset({"guardian", "learner", *_STAFF}),
        icon="👀",
        order=910,
    ),
    NavItem(
        url_name="privacy:my_data",
        label_ja="自分のデータ",
        label_en="My data",
        roles=frozenset({"guardian", "learner", *_STAFF}),
        icon="📦",
        order=920,
    ),
]
