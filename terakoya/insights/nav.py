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

ITEMS.extend(
    [
        NavItem(
            "insights:dashboard_classes",
            "学級ダッシュボード",
            "Class dashboard",
            frozenset({"teacher"}),
            icon="📊",
            order=15,
        ),
        NavItem(
            "insights:dashboard_me",
            "がくしゅうのようす",
            "My learning",
            frozenset({"learner"}),
            icon="⭐",
            order=15,
        ),
        NavItem(
            "insights:dashboard_family",
            "お子さんの様子",
            "Your child's learning",
            frozenset({"guardian"}),
            icon="🏠",
            order=15,
        ),
        NavItem(
            "insights:dashboard_school",
            "学校の集計",
            "School figures",
            frozenset({"principal", "school_admin"}),
            icon="🏫",
            order=15,
        ),
        NavItem(
            "insights:dashboard_board",
            "教育委員会の集計",
            "Board figures",
            frozenset({"board_analyst"}),
            icon="🗺️",
            order=15,
        ),
    ]
)
