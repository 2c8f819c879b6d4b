"""Navigation entries of the insights app."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS = [
    NavItem(
        "insights:mastery_classes",
        "習得状況",
        "Mastery",
        frozenset({"teacher", "school_admin", "principal"}),
        icon="🎯",
        order=50,
    ),
    NavItem(
        "insights:school_dashboard",
        "学校の集計",
        "School figures",
        frozenset({"school_admin", "principal"}),
        icon="📊",
        order=55,
    ),
    NavItem(
        "insights:skill_parameters",
        "習得モデル",
        "Mastery model",
        frozenset({"teacher", "school_admin", "principal", "board_analyst"}),
        icon="📈",
        order=60,
    ),
    NavItem(
        "insights:privacy_ledger",
        "プライバシー予算",
        "Privacy budget",
        frozenset({"board_analyst"}),
        icon="🔒",
        order=70,
    ),
]
