"""Navigation entries of the courses app."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS = [
    NavItem("courses:today", "きょう", "Today", frozenset({"learner"}), icon="📅", order=10),
    NavItem("courses:courses", "コース", "Courses", frozenset({"teacher"}), icon="📘", order=30),
]
