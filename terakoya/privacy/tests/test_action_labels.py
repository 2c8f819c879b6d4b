""" "Who looked at my data" says what was done in words a guardian reads, never as a code."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from terakoya.privacy.selectors import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
ACTION = re.compile(r'action="([a-z_]+(?:\.[a-z_]+)+)"')


def _actions_in(app: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / app).rglob("*.py"):
        if "tests" in path.parts or "oneroster" in str(path.relative_to(ROOT)):
            continue
        found |= set(ACTION.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_action_of_the_school_affairs_apps_has_a_label_in_both_languages():
    actions = set().union(*(_actions_in(app) for app in ("attendance", "guidance", "roster")))
    actions |= {a for a in _actions_in("accounts") if not a.endswith(("rotate", "view"))}
    school_level = ("policy", "settings", "calendar", "alert_rule")  # no person is their subject
    missing = sorted(
        a for a in actions if a not in ACTION_LABELS and not any(w in a for w in school_level)
    )
    assert not missing, missing


def test_an_unlisted_action_is_still_shown_in_words():
    with translation.override("ja"):
        assert action_label("records.mark.read") == "見ました"
        assert action_label("something.odd") == "操作しました"
    with translation.override("en"):
        assert action_label("attendance.learner.read") == "viewed the attendance record"
        assert "." not in action_label("something.odd")
