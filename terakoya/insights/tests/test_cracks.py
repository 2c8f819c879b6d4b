"""Falling through the cracks: each rule, its threshold and its evidence."""

from __future__ import annotations

import datetime as dt

from terakoya.insights.cracks import (
    AlertKind,
    LearnerSignals,
    SchoolDay,
    Thresholds,
    Work,
    absence_streak,
    alerts_for_class,
    alerts_for_learner,
    low_marks,
    missing_work,
)

TODAY = dt.date(2026, 11, 27)  # a Friday
LIMITS = Thresholds()


def _day(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=offset)


def test_missing_work_counts_only_pieces_past_due_and_names_them():
    works = [
        Work("w1", "漢字ドリル", _day(10), submitted=False),
        Work("w2", "計算プリント", _day(3), submitted=False),
        Work("w3", "日記", _day(5), submitted=True),
        Work("w4", "自由研究", TODAY, submitted=False),  # due today: not late yet
    ]
    alert = missing_work(works, today=TODAY, thresholds=LIMITS)
    assert alert is not None
    assert alert.kind is AlertKind.MISSING_WORK
    assert alert.evidence == ("w1", "w2")
    assert "漢字ドリル" in alert.explanation_ja
    assert missing_work(works[1:], today=TODAY, thresholds=LIMITS) is None


def test_low_marks_looks_at_the_latest_marks_only():
    old_low = [Work(f"o{i}", "古い小テスト", _day(60 + i), True, 1, 10) for i in range(3)]
    recent = [
        Work("r1", "小テスト1", _day(20), True, 3, 10),
        Work("r2", "小テスト2", _day(15), True, 9, 10),
        Work("r3", "小テスト3", _day(10), True, 2, 10),
        Work("r4", "小テスト4", _day(5), True, 8, 10),
        Work("r5", "小テスト5", _day(2), True, 7, 10),
    ]
    alert = low_marks(old_low + recent, thresholds=LIMITS)
    assert alert is not None
    assert alert.evidence == ("r1", "r3")  # the three old low marks are out of the window
    assert alert.count == 2
    assert low_marks(recent[1:], thresholds=LIMITS) is None
    assert low_marks([Work("u", "未採点", _day(1), True)], thresholds=LIMITS) is None


def test_absence_streak_runs_up_to_today_and_skips_excused_days():
    days = [
        SchoolDay(_day(7), absent=False),
        SchoolDay(_day(4), absent=True),
        SchoolDay(_day(3), absent=True, excused=True),  # 忌引: neither counts nor breaks
        SchoolDay(_day(1), absent=True),
        SchoolDay(TODAY, absent=True),
    ]
    alert = absence_streak(days, today=TODAY, thresholds=LIMITS)
    assert alert is not None
    assert alert.evidence == (_day(4).isoformat(), _day(1).isoformat(), TODAY.isoformat())
    assert "3日連続" in alert.explanation_ja
    back_today = [*days[:-1], SchoolDay(TODAY, absent=False)]
    assert absence_streak(back_today, today=TODAY, thresholds=LIMITS) is None


def test_thresholds_are_the_schools_to_set():
    works = [Work("w1", "a", _day(3), submitted=False)]
    assert missing_work(works, today=TODAY, thresholds=LIMITS) is None
    assert missing_work(works, today=TODAY, thresholds=Thresholds(missing_work=1)) is not None


def test_a_learner_gets_each_firing_rule_once_in_a_fixed_order():
    signals = LearnerSignals(
        works=[
            Work("w1", "a", _day(3), submitted=False),
            Work("w2", "b", _day(4), submitted=False),
            Work("m1", "c", _day(9), True, 1, 10),
            Work("m2", "d", _day(8), True, 1, 10),
        ],
        days=[SchoolDay(_day(i), absent=True) for i in range(3)],
    )
    kinds = [a.kind for a in alerts_for_learner(signals, today=TODAY)]
    assert kinds == [AlertKind.MISSING_WORK, AlertKind.LOW_MARKS, AlertKind.ABSENCE_STREAK]


def test_class_alerts_follow_the_roster_order_never_the_number_of_alerts():
    heavy = LearnerSignals(
        works=[Work(f"w{i}", "x", _day(3 + i), submitted=False) for i in range(6)],
        days=[SchoolDay(_day(i), absent=True) for i in range(5)],
    )
    light = LearnerSignals(days=[SchoolDay(_day(i), absent=True) for i in range(3)])
    roster = ["uuid-01", "uuid-02", "uuid-03", "uuid-04"]
    signals = {"uuid-04": heavy, "uuid-01": light, "uuid-03": light}
    result = alerts_for_class(roster, signals, today=TODAY)
    assert [r.learner for r in result] == ["uuid-01", "uuid-03", "uuid-04"]
