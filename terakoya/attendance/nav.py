"""Navigation entries of the school-affairs pages."""

from __future__ import annotations

from terakoya.web.nav import NavItem

ITEMS: list[NavItem] = [
    NavItem(
        "attendance:board_settings",
        "出欠データの設定",
        "Attendance data settings",
        frozenset({"board_admin"}),
        icon="⚙",
        order=70,
    ),
    NavItem(
        "attendance:school_settings",
        "学校暦・出欠の設定",
        "Calendar & attendance settings",
        frozenset({"school_admin"}),
        icon="🗓",
        order=60,
    ),
    NavItem(
        "attendance:morning",
        "朝の確認・出席簿",
        "Morning check & register",
        frozenset({"teacher"}),
        icon="☀",
        order=20,
    ),
    NavItem(
        "attendance:notice_new",
        "欠席連絡",
        "Absence notice",
        frozenset({"guardian"}),
        icon="✉",
        order=20,
    ),
    NavItem(
        "attendance:notice_list",
        "連絡の履歴",
        "Notices sent",
        frozenset({"guardian"}),
        icon="🗂",
        order=21,
    ),
    NavItem(
        "attendance:records",
        "出欠の記録",
        "Attendance record",
        frozenset({"guardian", "learner"}),
        icon="📅",
        order=23,
    ),
    NavItem(
        "attendance:observation",
        "健康観察",
        "Health check",
        frozenset({"guardian"}),
        icon="🌡",
        order=22,
    ),
    NavItem(
        "attendance:health_index",
        "健康診断票",
        "Health records",
        frozenset({"nurse", "guardian", "learner"}),
        icon="🩺",
        order=30,
    ),
]
