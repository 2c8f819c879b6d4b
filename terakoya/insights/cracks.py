"""「気になる児童生徒」: who may be falling through the cracks, each flag with its evidence.

Pure functions over plain data, so the assessment, gradebook and attendance apps can feed them
whatever they store: a list of pieces of work (due, submitted, mark) and a list of school days
(present or absent). Three rules, each a separate function a teacher can read:

- missing work: pieces past their due date and not handed in;
- low marks: recent marks under a share of the maximum;
- absence streak: consecutive school days absent, up to today.

An alert names the rule, the threshold, and the exact items (work ids, dates) that triggered
it. The teacher decides what it means; nothing is scored, combined or ranked: a class's alerts
come back in the roster order the caller gives (出席番号), never ordered by severity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Work:
    """A piece of assigned work for one learner."""

    id: str
    title: str
    due: dt.date
    submitted: bool
    mark: float | None = None  # points awarded, when marked
    max_mark: float | None = None


@dataclass(frozen=True)
class SchoolDay:
    """One school day for one learner (non-school days are simply not listed)."""

    day: dt.date
    absent: bool
    excused: bool = False  # 出席停止・忌引 etc.: not counted as absence


@dataclass(frozen=True)
class Thresholds:
    """When a rule fires. Defaults are a starting point a school may change."""

    missing_work: int = 2  # this many pieces past due and not handed in
    low_mark_share: float = 0.4  # a mark under 40 % of the maximum is low
    low_mark_count: int = 2  # this many low marks among the recent ones
    recent_marks: int = 5  # how many of the latest marked pieces to look at
    absence_streak: int = 3  # this many school days absent in a row, up to today


class AlertKind(StrEnum):
    MISSING_WORK = "missing_work"
    LOW_MARKS = "low_marks"
    ABSENCE_STREAK = "absence_streak"


@dataclass(frozen=True)
class Alert:
    """One rule that fired for one learner, and the items that made it fire."""

    kind: AlertKind
    evidence: tuple[str, ...]  # work ids, or ISO dates for attendance
    count: int
    threshold: int
    explanation_ja: str
    explanation_en: str


@dataclass(frozen=True)
class LearnerSignals:
    """Everything the rules look at for one learner."""

    works: Sequence[Work] = ()
    days: Sequence[SchoolDay] = ()


@dataclass(frozen=True)
class LearnerAlerts:
    learner: str  # the learner's public UUID (or any key the caller uses)
    alerts: tuple[Alert, ...] = field(default_factory=tuple)


def missing_work(works: Sequence[Work], *, today: dt.date, thresholds: Thresholds) -> Alert | None:
    """Fires when at least ``missing_work`` pieces are past due (before today) and not in."""
    late = sorted((w for w in works if not w.submitted and w.due < today), key=lambda w: w.due)
    if len(late) < thresholds.missing_work:
        return None
    return Alert(
        kind=AlertKind.MISSING_WORK,
        evidence=tuple(w.id for w in late),
        count=len(late),
        threshold=thresholds.missing_work,
        explanation_ja=f"提出期限を過ぎた未提出の課題が{len(late)}件"
        f"(基準{thresholds.missing_work}件以上): " + "、".join(w.title for w in late),
        explanation_en=f"{len(late)} pieces of work past due and not handed in "
        f"(threshold {thresholds.missing_work}): " + ", ".join(w.title for w in late),
    )


def low_marks(works: Sequence[Work], *, thresholds: Thresholds) -> Alert | None:
    """Fires when at least ``low_mark_count`` of the latest marked pieces are under the share."""
    marked = [w for w in works if w.mark is not None and w.max_mark is not None and w.max_mark > 0]
    recent = sorted(marked, key=lambda w: w.due)[-thresholds.recent_marks :]
    low = [
        w
        for w in recent
        if w.mark is not None
        and w.max_mark is not None
        and w.mark < thresholds.low_mark_share * w.max_mark
    ]
    if len(low) < thresholds.low_mark_count:
        return None
    share = round(thresholds.low_mark_share * 100)
    return Alert(
        kind=AlertKind.LOW_MARKS,
        evidence=tuple(w.id for w in low),
        count=len(low),
        threshold=thresholds.low_mark_count,
        explanation_ja=f"直近{len(recent)}件の評価のうち{len(low)}件が満点の{share}%未満"
        f"(基準{thresholds.low_mark_count}件以上)",
        explanation_en=f"{len(low)} of the latest {len(recent)} marks under {share}% of the "
        f"maximum (threshold {thresholds.low_mark_count})",
    )


def absence_streak(
    days: Sequence[SchoolDay], *, today: dt.date, thresholds: Thresholds
) -> Alert | None:
    """Fires when the latest school days up to today are ``absence_streak`` or more absences.

    Excused days (出席停止・忌引) neither count nor break the streak.
    """
    streak: list[dt.date] = []
    for day in sorted((d for d in days if d.day <= today), key=lambda d: d.day, reverse=True):
        if day.excused:
            continue
        if not day.absent:
            break
        streak.append(day.day)
    if len(streak) < thresholds.absence_streak:
        return None
    streak.reverse()
    return Alert(
        kind=AlertKind.ABSENCE_STREAK,
        evidence=tuple(d.isoformat() for d in streak),
        count=len(streak),
        threshold=thresholds.absence_streak,
        explanation_ja=f"{streak[0].month}月{streak[0].day}日から{len(streak)}日連続で欠席"
        f"(基準{thresholds.absence_streak}日以上)",
        explanation_en=f"absent {len(streak)} school days in a row since {streak[0]:%Y-%m-%d} "
        f"(threshold {thresholds.absence_streak})",
    )


def alerts_for_learner(
    signals: LearnerSignals, *, today: dt.date, thresholds: Thresholds | None = None
) -> tuple[Alert, ...]:
    """Every rule that fires for one learner, in the fixed order of the rules."""
    limits = thresholds or Thresholds()
    found = (
        missing_work(signals.works, today=today, thresholds=limits),
        low_marks(signals.works, thresholds=limits),
        absence_streak(signals.days, today=today, thresholds=limits),
    )
    return tuple(alert for alert in found if alert is not None)


def alerts_for_class(
    roster: Sequence[str],
    signals: Mapping[str, LearnerSignals],
    *,
    today: dt.date,
    thresholds: Thresholds | None = None,
) -> list[LearnerAlerts]:
    """The learners of ``roster`` with at least one alert, in roster order (never by severity)."""
    out = []
    for learner in roster:
        alerts = alerts_for_learner(
            signals.get(learner, LearnerSignals()), today=today, thresholds=thresholds
        )
        if alerts:
            out.append(LearnerAlerts(learner=learner, alerts=alerts))
    return out
