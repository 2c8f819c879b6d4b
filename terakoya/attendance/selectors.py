"""Reads for school-affairs records: the school calendar, the register and its summaries.

Callers obtain the class and learners from ``terakoya.attendance.access`` first; these
functions assume the reader is authorised and do no auditing of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from terakoya.attendance.codes import (
    DEFAULT_TEACHING_FIELDS,
    CalendarKind,
    Status,
)
from terakoya.attendance.models import (
    AbsenceNotice,
    AlertRule,
    AttendanceAlert,
    AttendanceEntry,
    CalendarException,
    RegisterDay,
    SchoolAttendancePolicy,
)
from terakoya.roster.models import (
    ClassType,
    Enrolment,
    EnrolmentRole,
    Person,
    School,
    SchoolClass,
)

#: Statuses that take a day out of 出席しなければならない日数 (they are not absences).
EXCUSED = frozenset({Status.SUSPENDED, Status.MOURNING})


def school_days(*, school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    """Return the school's 授業日 from ``start`` to ``end`` inclusive, in order.

    A 授業日 is a weekday, unless the school entered it as closed (祝日, 長期休業, 臨時休業), or
    a weekend day the school entered as open (docs/decisions/0161-school-calendar.md).
    """
    if end < start:
        return []
    exceptions = dict(
        CalendarException.objects.filter(school=school, date__gte=start, date__lte=end).values_list(
            "date", "kind"
        )
    )
    days = []
    day = start
    while day <= end:
        kind = exceptions.get(day)
        if kind == CalendarKind.OPEN or (kind is None and day.weekday() < 5):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def is_school_day(*, school: School, day: dt.date) -> bool:
    return bool(school_days(school=school, start=day, end=day))


def previous_school_days(*, school: School, before: dt.date, count: int) -> list[dt.date]:
    """The ``count`` school days before ``before`` (not included), oldest first."""
    found: list[dt.date] = []
    end = before - dt.timedelta(days=1)
    span = max(14, count * 3)
    while len(found) < count and span < 800:
        found = school_days(school=school, start=before - dt.timedelta(days=span), end=end)
        span *= 2
    return found[-count:]


def policy_for(school: School) -> SchoolAttendancePolicy:
    """The school's policy, or an unsaved one with every default."""
    policy = SchoolAttendancePolicy.objects.filter(school=school).first()
    if policy is None:
        policy = SchoolAttendancePolicy(
            school=school, health_teaching_fields=list(DEFAULT_TEACHING_FIELDS)
        )
    return policy


def register_entries(
    *, school_class: SchoolClass, day: dt.date, period: int = 0
) -> dict[int, AttendanceEntry]:
    """The day's stored entries of a class, by learner pk (learners without one are 出席)."""
    return {
        entry.learner_id: entry
        for entry in AttendanceEntry.objects.filter(
            school_class=school_class, date=day, period=period
        )
    }


def register_taken(*, school_class: SchoolClass, day: dt.date, period: int = 0) -> bool:
    """True when the class's register was saved for the day."""
    return RegisterDay.objects.filter(school_class=school_class, date=day, period=period).exists()


def notices_covering(*, learner_ids: Iterable[int], day: dt.date) -> list[AbsenceNotice]:
    """Absence notices of these learners that cover ``day``, newest first."""
    return list(
        AbsenceNotice.objects.filter(
            learner_id__in=list(learner_ids), first_date__lte=day, last_date__gte=day
        )
        .select_related("learner", "sent_by")
        .order_by("-sent_at")
    )


def open_alerts(*, school_class: SchoolClass, learner_ids: Iterable[int]) -> list[AttendanceAlert]:
    """Alerts of the class not yet acknowledged, oldest first."""
    return list(
        AttendanceAlert.objects.filter(
            school_class=school_class,
            learner_id__in=list(learner_ids),
            acknowledged_at__isnull=True,
        )
        .select_related("learner", "rule")
        .order_by("triggered_on", "learner__family_name_kana")
    )


# --------------------------------------------------------------------------- summaries


@dataclass(frozen=True)
class Summary:
    """The figures a 出席簿 and a 指導要録 need for one learner over a period."""

    school_days: int  # 授業日数 (while enrolled in the class)
    excused_days: int  # 出席停止・忌引等の日数
    required_days: int  # 出席しなければならない日数
    absent_days: int  # 欠席日数
    present_days: int  # 出席日数 (遅刻・早退を含む)
    late: int  # 遅刻
    early_leave: int  # 早退


def _windows(
    learner_ids: Sequence[int], school_class: SchoolClass, start: dt.date, end: dt.date
) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each learner's enrolment periods in the class, clipped to ``start``..``end``."""
    found: dict[int, list[tuple[dt.date, dt.date]]] = {pk: [] for pk in learner_ids}
    periods = Enrolment.objects.filter(
        person_id__in=list(learner_ids), school_class=school_class, role=EnrolmentRole.STUDENT
    ).values_list("person_id", "begin_date", "end_date")
    for person_id, begin, finish in periods:
        lo, hi = max(begin, start), min(finish or end, end)
        if lo <= hi:
            found[person_id].append((lo, hi))
    return found


def _figures(days: int, statuses: Sequence[str]) -> Summary:
    excused = sum(1 for s in statuses if s in EXCUSED)
    absent = sum(1 for s in statuses if s == Status.ABSENT)
    required = days - excused
    return Summary(
        school_days=days,
        excused_days=excused,
        required_days=required,
        absent_days=absent,
        present_days=required - absent,
        late=sum(1 for s in statuses if s == Status.LATE),
        early_leave=sum(1 for s in statuses if s == Status.EARLY_LEAVE),
    )


def class_summaries(
    *, school_class: SchoolClass, learner_ids: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, Summary]:
    """Figures for many learners of a class from ``start`` to ``end`` inclusive, in three
    queries (calendar, enrolments, entries), by learner pk.

    - 授業日数: school days while the learner was enrolled in the class (a learner who
      transfers in counts from the day of transfer, as the 指導要録 instructions say);
    - 出席停止・忌引等の日数: days marked 出席停止 or 忌引;
    - 出席しなければならない日数 = 授業日数 − 出席停止・忌引等の日数;
    - 欠席日数: days marked 欠席;
    - 出席日数 = 出席しなければならない日数 − 欠席日数 (a late or early-leave day is a day present).
    Only day-level entries (period 0) on school days count; period entries are for lessons.
    """
    calendar = school_days(school=school_class.school, start=start, end=end)
    windows = _windows(learner_ids, school_class, start, end)
    statuses: dict[int, list[tuple[dt.date, str]]] = {pk: [] for pk in learner_ids}
    for learner_id, date, status in AttendanceEntry.objects.filter(
        learner_id__in=list(learner_ids),
        school_class=school_class,
        period=0,
        date__gte=start,
        date__lte=end,
    ).values_list("learner_id", "date", "status"):
        statuses[learner_id].append((date, status))
    result = {}
    for pk in learner_ids:
        enrolled = {d for d in calendar if any(lo <= d <= hi for lo, hi in windows[pk])}
        result[pk] = _figures(len(enrolled), [s for d, s in statuses[pk] if d in enrolled])
    return result


def learner_summary(
    *, learner: Person, school_class: SchoolClass, start: dt.date, end: dt.date
) -> Summary:
    """One learner's figures (see :func:`class_summaries`)."""
    return class_summaries(
        school_class=school_class, learner_ids=[learner.pk], start=start, end=end
    )[learner.pk]


@dataclass(frozen=True)
class SummaryTable:
    """What the summary page shows and the CSV contains, cell for cell."""

    header: list[str]
    rows: list[list[str]]


def summary_table(
    *,
    school_class: SchoolClass,
    learners: Sequence[tuple[int | None, Person]],
    start: dt.date,
    end: dt.date,
) -> SummaryTable:
    """One row per learner (出席番号, 氏名, then the figures); the screen and the CSV use it."""
    header = [
        _("出席番号"),
        _("氏名"),
        _("授業日数"),
        _("出席停止・忌引等の日数"),
        _("出席しなければならない日数"),
        _("欠席日数"),
        _("出席日数"),
        _("遅刻"),
        _("早退"),
    ]
    rows = []
    figures = class_summaries(
        school_class=school_class, learner_ids=[p.pk for _n, p in learners], start=start, end=end
    )
    for number, learner in learners:
        s = figures[learner.pk]
        rows.append(
            [
                "" if number is None else str(number),
                learner.full_name,
                str(s.school_days),
                str(s.excused_days),
                str(s.required_days),
                str(s.absent_days),
                str(s.present_days),
                str(s.late),
                str(s.early_leave),
            ]
        )
    return SummaryTable(header=header, rows=rows)


def learner_history(*, learner: Person, start: dt.date, end: dt.date) -> list[AttendanceEntry]:
    """A learner's day entries in a period (for the guardian's and learner's view)."""
    return list(
        AttendanceEntry.objects.filter(Q(period=0), learner=learner, date__gte=start, date__lte=end)
        .select_related("school_class")
        .order_by("date")
    )


def learner_homerooms(*, learner: Person, start: dt.date, end: dt.date) -> list[SchoolClass]:
    """The homeroom classes the learner was enrolled in during a period."""
    return list(
        SchoolClass.objects.filter(
            class_type=ClassType.HOMEROOM,
            enrolments__person=learner,
            enrolments__role=EnrolmentRole.STUDENT,
            enrolments__begin_date__lte=end,
        )
        .filter(Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=start))
        .select_related("school")
        .distinct()
        .order_by("pk")
    )


def calendar_exceptions(*, school: School, start: dt.date, end: dt.date) -> list[CalendarException]:
    return list(
        CalendarException.objects.filter(school=school, date__gte=start, date__lte=end).order_by(
            "date"
        )
    )


def alert_rules(*, school: School) -> list[AlertRule]:
    return list(AlertRule.objects.filter(school=school).order_by("-active", "kind", "threshold"))
