"""Navigation entries of the assessment app."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS = [
    NavItem("assessment:drills", "ドリル", "Drills", frozenset({"learner"}), icon="✏️", order=20),
    NavItem(
        "assessment:bank",
        "問題バンク",
        "Question bank",
        frozenset({"teacher"}),
        icon="📚",
        order=40,
    ),
    NavItem("assessment:marking", "採点", "Marking", frozenset({"teacher"}), icon="✅", order=45),
]
