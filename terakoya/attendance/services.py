"""Writes for school-affairs records: register, calendar, notices, alerts, health.

Every service is keyword-only, runs in one transaction, refuses a My Number or a prohibited
category before storing anything (``terakoya.privacy.guards``), and writes its audit entry in
the same transaction. Callers pass objects obtained from ``terakoya.attendance.access``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from terakoya.attendance import xapi
from terakoya.attendance.codes import (
    HEALTH_FIELDS,
    NOTICE_STATUS,
    AbsenceReason,
    CalendarKind,
    Condition,
    NoticeKind,
    RuleKind,
    Status,
    Symptom,
)
from terakoya.attendance.models import (
    AbsenceNotice,
    AlertRule,
    AttendanceAlert,
    AttendanceEntry,
    BoardAttendanceSettings,
    CalendarException,
    HealthObservation,
    HealthRecord,
    RegisterDay,
    SchoolAttendancePolicy,
)
from terakoya.attendance.selectors import is_school_day, school_days
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.audit import AuditActor, audit_record, audit_record_many
from terakoya.privacy.gate import Actor
from terakoya.privacy.guards import check_text, scan
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import Board, Person, School, SchoolClass, SchoolYear

#: The longest span one absence notice may cover (a longer absence is a conversation).
MAX_NOTICE_DAYS = 14


def _who(actor: Actor, role: str) -> AuditActor:
    return actor.audit_actor(role)


def _person(actor: Actor) -> Person:
    if actor.person is None:
        raise UserError("サインインが必要です。", "Please sign in.", code="signin")
    return actor.person


# --------------------------------------------------------------------------- calendar


@transaction.atomic
def calendar_set_closed(
    *, actor: Actor, school: School, first: dt.date, last: dt.date, label: str
) -> int:
    """Enter ``first``..``last`` as closed (休業日); return how many days changed."""
    check_text(label, location="label")
    if last < first:
        raise UserError(
            "終了日は開始日以降にしてください。",
            "The last day must not be before the first.",
            location="last",
        )
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    if len(days) > 400:
        raise UserError(
            "一度に入力できるのは400日までです。",
            "At most 400 days at once.",
            location="last",
        )
    CalendarException.objects.filter(school=school, date__gte=first, date__lte=last).delete()
    CalendarException.objects.bulk_create(
        [
            CalendarException(school=school, date=day, kind=CalendarKind.CLOSED, label=label)
            for day in days
        ]
    )
    changed = len(days)
    audit_record(
        actor=_who(actor, "school_admin"),
        action="attendance.calendar.change",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        school_uuid=school.uuid,
        target_type="attendance.calendarexception",
        count=changed,
    )
    return changed


@transaction.atomic
def calendar_set_open(*, actor: Actor, school: School, day: dt.date, label: str) -> None:
    """Enter ``day`` (typically a Saturday) as a school day."""
    check_text(label, location="label")
    CalendarException.objects.update_or_create(
        school=school, date=day, defaults={"kind": CalendarKind.OPEN, "label": label}
    )
    audit_record(
        actor=_who(actor, "school_admin"),
        action="attendance.calendar.change",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        school_uuid=school.uuid,
        target_type="attendance.calendarexception",
    )


@transaction.atomic
def calendar_clear(*, actor: Actor, school: School, day: dt.date) -> None:
    """Return ``day`` to the weekday rule."""
    CalendarException.objects.filter(school=school, date=day).delete()
    audit_record(
        actor=_who(actor, "school_admin"),
        action="attendance.calendar.change",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        school_uuid=school.uuid,
        target_type="attendance.calendarexception",
    )


# --------------------------------------------------------------------------- policies


@transaction.atomic
def policy_set(
    *,
    actor: Actor,
    school: School,
    periods_per_day: int | None = None,
    health_teaching_fields: Sequence[str] | None = None,
) -> SchoolAttendancePolicy:
    """Change a school's attendance policy (per-period registers, health fields for teachers)."""
    policy, _created = SchoolAttendancePolicy.objects.get_or_create(
        school=school, defaults={"health_teaching_fields": ["allergies"]}
    )
    if periods_per_day is not None:
        if not 0 <= periods_per_day <= 8:
            raise UserError(
                "時限数は0から8までです。",
                "Periods per day must be 0 to 8.",
                location="periods_per_day",
            )
        policy.periods_per_day = periods_per_day
    if health_teaching_fields is not None:
        unknown = [f for f in health_teaching_fields if f not in HEALTH_FIELDS]
        if unknown:
            raise UserError(
                "健康診断票にない項目です。",
                "Not a field of the health record.",
                location=",".join(unknown),
            )
        policy.health_teaching_fields = list(dict.fromkeys(health_teaching_fields))
    policy.save()
    audit_record(
        actor=_who(actor, "school_admin"),
        action="attendance.policy.change",
        outcome=AuditOutcome.CHANGED,
        purpose="school_administration",
        school_uuid=school.uuid,
        target_type="attendance.schoolattendancepolicy",
        target_uuid=policy.uuid,
    )
    return policy


@transaction.atomic
def board_set_xapi_statements(*, actor: Actor, board: Board, enabled: bool) -> None:
    """Switch xAPI statements for attendance on or off for a whole board (off by default)."""
    settings, _created = BoardAttendanceSettings.objects.get_or_create(board=board)
    settings.xapi_statements_enabled = enabled
    settings.save()
    audit_record(
        actor=_who(actor, "board_admin"),
        action="attendance.board_settings.change",
        outcome=AuditOutcome.CHANGED,
        purpose="school_administration",
        target_type="attendance.boardattendancesettings",
        target_uuid=settings.uuid,
    )


def xapi_statements_enabled(board: Board) -> bool:
    return bool(
        BoardAttendanceSettings.objects.filter(board=board)
        .values_list("xapi_statements_enabled", flat=True)
        .first()
    )


# --------------------------------------------------------------------------- the register


@dataclass(frozen=True)
class Mark:
    """One learner's status on the register; reason only for 欠席."""

    status: str = Status.PRESENT
    reason: str = ""
    note: str = ""


@dataclass
class RegisterResult:
    changed: int = 0
    alerts: list[AttendanceAlert] = field(default_factory=list)


@transaction.atomic
def register_save(
    *,
    actor: Actor,
    school_class: SchoolClass,
    day: dt.date,
    learners: Sequence[Person],
    marks: Mapping[uuid.UUID, Mark],
    period: int = 0,
    notices: Sequence[AbsenceNotice] = (),
) -> RegisterResult:
    """Save a class's register for a day: every learner not in ``marks`` is 出席.

    ``learners`` is the class list from the gate; a mark for anyone else is refused. An
    欠席 needs a reason. The whole register is refused (nothing changes) on any error. Alerts
    are evaluated for the day; an xAPI statement is queued only if the board enabled them.
    """
    recorder = _person(actor)
    school = school_class.school
    if not is_school_day(school=school, day=day):
        raise UserError(
            "この日は授業日ではありません(学校の暦で休業日です)。",
            "This day is not a school day in the school calendar.",
            location="date",
        )
    if day > clock.today():
        raise UserError(
            "未来の日の出欠は記録できません。",
            "Attendance cannot be recorded for a future day.",
            location="date",
        )
    if period:
        allowed = (
            SchoolAttendancePolicy.objects.filter(school=school)
            .values_list("periods_per_day", flat=True)
            .first()
            or 0
        )
        if period > allowed:
            raise UserError(
                "この学校では時限ごとの出欠を記録しません。",
                "This school does not keep a register per period.",
                location="period",
            )
    by_uuid = {p.uuid: p for p in learners}
    for key, mark in marks.items():
        where = f"marks.{key}"
        if key not in by_uuid:
            raise UserError(
                "この学級の児童生徒ではありません。",
                "Not a learner of this class.",
                location=where,
            )
        if mark.status not in Status.values:
            raise UserError("出欠の区分が正しくありません。", "Unknown status.", location=where)
        if mark.status == Status.ABSENT and mark.reason not in AbsenceReason.values:
            raise UserError(
                "欠席には理由(病気・事故・家庭の事情・その他)を選んでください。",
                "An absence needs a reason (illness, injury, family, other).",
                location=where,
            )
        if mark.status != Status.ABSENT and mark.reason:
            raise UserError(
                "理由は欠席のときだけ記録します。",
                "A reason is recorded for absences only.",
                location=where,
            )
        if len(mark.note) > 200:
            raise UserError(
                "備考は200字以内です。", "The note is at most 200 characters.", location=where
            )
        check_text(mark.note, location=where)

    notice_for: dict[int, AbsenceNotice] = {}
    for notice in notices:
        if notice.first_date <= day <= notice.last_date:
            notice_for.setdefault(notice.learner_id, notice)

    existing = {
        e.learner_id: e
        for e in AttendanceEntry.objects.select_for_update().filter(
            school_class=school_class, date=day, period=period
        )
    }
    audits: list[dict[str, Any]] = []
    changed_learners: list[Person] = []
    result = RegisterResult()
    for learner in learners:
        mark = marks.get(learner.uuid, Mark())
        entry = existing.get(learner.pk)
        plain = mark.status == Status.PRESENT and not mark.note
        if plain and entry is None:
            continue
        if entry is not None and (entry.status, entry.reason, entry.note) == (
            mark.status,
            mark.reason,
            mark.note,
        ):
            continue
        if plain and entry is not None:
            entry.delete()
        else:
            sent = notice_for.get(learner.pk)
            linked = sent if sent and NOTICE_STATUS.get(sent.kind) == mark.status else None
            AttendanceEntry.objects.update_or_create(
                learner=learner,
                school_class=school_class,
                date=day,
                period=period,
                defaults={
                    "status": mark.status,
                    "reason": mark.reason,
                    "note": mark.note,
                    "recorded_by": recorder,
                    "notice": linked,
                },
            )
        result.changed += 1
        changed_learners.append(learner)
        audits.append(
            {
                "actor": _who(actor, "homeroom_teacher"),
                "action": "attendance.entry.change",
                "outcome": AuditOutcome.CHANGED,
                "purpose": "attendance",
                "school_uuid": school.uuid,
                "target_type": "attendance.attendanceentry",
                "target_uuid": f"{school_class.uuid}/{day.isoformat()}/{period}",
                "subject_uuid": learner.uuid,
            }
        )
    RegisterDay.objects.update_or_create(
        school_class=school_class, date=day, period=period, defaults={"taken_at": clock.now()}
    )
    audits.append(
        {
            "actor": _who(actor, "homeroom_teacher"),
            "action": "attendance.register.save",
            "outcome": AuditOutcome.CHANGED,
            "purpose": "attendance",
            "school_uuid": school.uuid,
            "target_type": "attendance.registerday",
            "target_uuid": f"{school_class.uuid}/{day.isoformat()}/{period}",
            "count": len(learners),
        }
    )
    audit_record_many(audits)
    if period == 0:
        # A rule fires on a day of absence: only learners absent on this day are evaluated.
        absent_today = [p for p in learners if marks.get(p.uuid, Mark()).status == Status.ABSENT]
        result.alerts = alerts_evaluate(school_class=school_class, learners=absent_today, day=day)
    if changed_learners and xapi_statements_enabled(school.board):
        statements = [
            xapi.attendance_statement(
                learner_uuid=learner.uuid,
                school_uuid=school.uuid,
                class_uuid=school_class.uuid,
                day=day,
                period=period,
                status=marks.get(learner.uuid, Mark()).status,
                recorded_at=clock.now(),
            )
            for learner in changed_learners
        ]
        transaction.on_commit(lambda: xapi.send_statements(statements, school_uuid=school.uuid))
    return result


# --------------------------------------------------------------------------- alerts


def _absent_days(
    learner: Person, school_class: SchoolClass, start: dt.date, end: dt.date
) -> set[dt.date]:
    return set(
        AttendanceEntry.objects.filter(
            learner=learner,
            school_class=school_class,
            period=0,
            status=Status.ABSENT,
            date__gte=start,
            date__lte=end,
        ).values_list("date", flat=True)
    )


def _consecutive_evidence(
    learner: Person, school_class: SchoolClass, day: dt.date, horizon: int = 120
) -> list[dt.date]:
    """The run of consecutive absent school days that contains ``day`` (empty if none)."""
    school = school_class.school
    start = day - dt.timedelta(days=horizon)
    end = min(day + dt.timedelta(days=horizon), clock.today())
    days = school_days(school=school, start=start, end=end)
    absent = _absent_days(learner, school_class, start, end)
    if day not in absent or day not in days:
        return []
    index = days.index(day)
    lo = index
    while lo > 0 and days[lo - 1] in absent:
        lo -= 1
    hi = index
    while hi + 1 < len(days) and days[hi + 1] in absent:
        hi += 1
    return days[lo : hi + 1]


def alerts_evaluate(
    *, school_class: SchoolClass, learners: Sequence[Person], day: dt.date
) -> list[AttendanceAlert]:
    """Apply the school's active rules to ``learners`` on ``day``; return the alerts created.

    - consecutive: ``threshold`` or more absent school days in a row (holidays do not break
      a run, and a run is alerted once — by its first day);
    - window: ``threshold`` or more absent days within the ``window_days`` calendar days that
      end on ``day``, at most one alert per window.
    Only 欠席 counts (出席停止 and 忌引 are not absences). The evidence is the list of days.
    """
    rules = list(AlertRule.objects.filter(school=school_class.school, active=True))
    created: list[AttendanceAlert] = []
    if not rules:
        return created
    for learner in learners:
        for rule in rules:
            evidence: list[dt.date] = []
            if rule.kind == RuleKind.CONSECUTIVE:
                run = _consecutive_evidence(learner, school_class, day)
                if (
                    len(run) >= rule.threshold
                    and not AttendanceAlert.objects.filter(
                        rule=rule, learner=learner, evidence__0=run[0].isoformat()
                    ).exists()
                ):
                    evidence = run
            else:
                start = day - dt.timedelta(days=rule.window_days - 1)
                absent = sorted(_absent_days(learner, school_class, start, day))
                if (
                    len(absent) >= rule.threshold
                    and not AttendanceAlert.objects.filter(
                        rule=rule, learner=learner, triggered_on__gte=start
                    ).exists()
                ):
                    evidence = absent
            if evidence:
                alert = AttendanceAlert.objects.create(
                    learner=learner,
                    rule=rule,
                    school_class=school_class,
                    triggered_on=day,
                    evidence=[d.isoformat() for d in evidence],
                )
                audit_record(
                    actor=AuditActor(uuid=None, role="system", label="attendance.rules"),
                    action="attendance.alert.create",
                    outcome=AuditOutcome.CHANGED,
                    purpose="attendance",
                    school_uuid=school_class.school.uuid,
                    target_type="attendance.attendancealert",
                    target_uuid=alert.uuid,
                    subject_uuid=learner.uuid,
                )
                created.append(alert)
    return created


@transaction.atomic
def alert_rule_create(
    *, actor: Actor, school: School, kind: str, threshold: int, window_days: int = 0
) -> AlertRule:
    if kind not in RuleKind.values:
        raise UserError("ルールの種類が正しくありません。", "Unknown rule kind.", location="kind")
    if threshold < 1 or (kind == RuleKind.WINDOW and window_days < 1):
        raise UserError(
            "回数と日数は1以上にしてください。",
            "Threshold and window must be at least 1.",
            location="threshold",
        )
    rule = AlertRule.objects.create(
        school=school, kind=kind, threshold=threshold, window_days=window_days
    )
    audit_record(
        actor=_who(actor, "school_admin"),
        action="attendance.alert_rule.create",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        school_uuid=school.uuid,
        target_type="attendance.alertrule",
        target_uuid=rule.uuid,
    )
    return rule


@transaction.atomic
def alert_rule_set_active(*, actor: Actor, rule: AlertRule, active: bool) -> AlertRule:
    rule.active = active
    rule.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=_who(actor, "school_admin"),
        action="attendance.alert_rule.change",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        school_uuid=rule.school.uuid,
        target_type="attendance.alertrule",
        target_uuid=rule.uuid,
    )
    return rule


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: AttendanceAlert, follow_up: str) -> AttendanceAlert:
    """A teacher acknowledges an alert and records what they did."""
    person = _person(actor)
    follow_up = follow_up.strip()
    if not follow_up:
        raise UserError(
            "対応の内容を記録してください。",
            "Please record the follow-up.",
            location="follow_up",
        )
    scan(follow_up, location="follow_up")
    alert.acknowledged_by = person
    alert.acknowledged_at = clock.now()
    alert.follow_up = follow_up[:2000]
    alert.save(update_fields=["acknowledged_by", "acknowledged_at", "follow_up", "updated_at"])
    audit_record(
        actor=_who(actor, "homeroom_teacher"),
        action="attendance.alert.acknowledge",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        target_type="attendance.attendancealert",
        target_uuid=alert.uuid,
        subject_uuid=alert.learner.uuid,
    )
    return alert


# --------------------------------------------------------------------------- notices


@transaction.atomic
def notice_send(
    *,
    actor: Actor,
    learner: Person,
    school: School,
    kind: str,
    first_date: dt.date,
    last_date: dt.date,
    reason: str,
    message: str = "",
    symptoms: Sequence[str] = (),
) -> AbsenceNotice:
    """A guardian sends an absence notice; returns it (its uuid is the confirmation number)."""
    sender = _person(actor)
    scan({"message": message, "symptoms": list(symptoms)}, location="$")
    if kind not in NoticeKind.values:
        raise UserError("連絡の種類を選んでください。", "Choose what you report.", location="kind")
    if reason not in AbsenceReason.values:
        raise UserError("理由を選んでください。", "Choose a reason.", location="reason")
    unknown = [s for s in symptoms if s not in Symptom.values]
    if unknown:
        raise UserError(
            "症状は一覧から選んでください。", "Choose symptoms from the list.", location="symptoms"
        )
    if last_date < first_date:
        raise UserError(
            "終わりの日は始めの日以降にしてください。",
            "The last day must not be before the first.",
            location="last_date",
        )
    today = clock.today()
    if first_date < today - dt.timedelta(days=7):
        raise UserError(
            "1週間より前の日の連絡はできません。学校へ直接ご連絡ください。",
            "Notices for days more than a week ago cannot be sent; please contact the school.",
            location="first_date",
        )
    if (last_date - first_date).days + 1 > MAX_NOTICE_DAYS:
        raise UserError(
            f"一度に連絡できるのは{MAX_NOTICE_DAYS}日までです。",
            f"A notice covers at most {MAX_NOTICE_DAYS} days.",
            location="last_date",
        )
    if kind != NoticeKind.ABSENT and first_date != last_date:
        raise UserError(
            "遅刻・早退の連絡は1日ずつ送ってください。",
            "Send lateness and early leave one day at a time.",
            location="last_date",
        )
    if len(message) > 500:
        raise UserError(
            "連絡事項は500字以内です。",
            "The message is at most 500 characters.",
            location="message",
        )
    notice = AbsenceNotice.objects.create(
        learner=learner,
        school=school,
        sent_by=sender,
        kind=kind,
        first_date=first_date,
        last_date=last_date,
        reason=reason,
        message=message.strip(),
        symptoms=list(dict.fromkeys(symptoms)),
        sent_at=clock.now(),
    )
    audit_record(
        actor=_who(actor, "guardian"),
        action="attendance.notice.send",
        outcome=AuditOutcome.CHANGED,
        purpose="attendance",
        school_uuid=school.uuid,
        target_type="attendance.absencenotice",
        target_uuid=notice.uuid,
        subject_uuid=learner.uuid,
    )
    return notice


@transaction.atomic
def notice_mark_seen(*, actor: Actor, notices: Sequence[AbsenceNotice]) -> int:
    """The homeroom teacher has seen these notices (the guardian's confirmation shows it)."""
    person = _person(actor)
    unseen = [n for n in notices if n.seen_at is None]
    now = clock.now()
    for notice in unseen:
        notice.seen_by = person
        notice.seen_at = now
        notice.save(update_fields=["seen_by", "seen_at", "updated_at"])
    audit_record_many(
        [
            {
                "actor": _who(actor, "homeroom_teacher"),
                "action": "attendance.notice.seen",
                "outcome": AuditOutcome.CHANGED,
                "purpose": "attendance",
                "target_type": "attendance.absencenotice",
                "target_uuid": n.uuid,
                "subject_uuid": n.learner.uuid,
            }
            for n in unseen
        ]
    )
    return len(unseen)


def marks_from_notices(notices: Sequence[AbsenceNotice], day: dt.date) -> dict[uuid.UUID, Mark]:
    """Pre-fill a register from the notices covering ``day`` (the newest notice wins)."""
    marks: dict[uuid.UUID, Mark] = {}
    for notice in sorted(notices, key=lambda n: n.sent_at):
        if notice.first_date <= day <= notice.last_date:
            status = NOTICE_STATUS[notice.kind]
            marks[notice.learner.uuid] = Mark(
                status=status,
                reason=notice.reason if status == Status.ABSENT else "",
                note=gettext("保護者から連絡"),
            )
    return marks


# --------------------------------------------------------------------------- health


def _decimal(value: Any, *, location: str, lo: float, hi: float) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation as exc:
        raise UserError("数値を入力してください。", "Enter a number.", location=location) from exc
    if not (decimal.Decimal(str(lo)) <= number <= decimal.Decimal(str(hi))):
        raise UserError(
            f"{lo}から{hi}の範囲で入力してください。",
            f"Enter a value from {lo} to {hi}.",
            location=location,
        )
    return number.quantize(decimal.Decimal("0.1"))


def _refuse_unknown(values: Mapping[str, Any], known: Sequence[str]) -> None:
    # The prohibited-category filter runs first (by scan), so a "mood" key is refused as a
    # prohibited category, not merely as an unknown field.
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UserError(
            "この項目は記録できません。", "This field cannot be recorded.", location=unknown[0]
        )


@transaction.atomic
def health_record_save(
    *,
    actor: Actor,
    learner: Person,
    school: School,
    school_year: SchoolYear,
    values: Mapping[str, Any],
) -> HealthRecord:
    """The nurse enters or corrects a year's 健康診断 results (one record per 年度)."""
    nurse = _person(actor)
    scan(dict(values), location="$")
    _refuse_unknown(values, ("checked_on", *HEALTH_FIELDS))
    checked_on = values.get("checked_on")
    if not isinstance(checked_on, dt.date) or not school_year.contains(checked_on):
        raise UserError(
            "検査日はこの年度の日付を入力してください。",
            "The checkup date must fall in this school year.",
            location="checked_on",
        )
    caries = values.get("dental_caries")
    if caries in (None, ""):
        caries_value = None
    else:
        try:
            caries_value = int(caries)
        except (TypeError, ValueError) as exc:
            raise UserError(
                "本数を数字で入力してください。", "Enter a number.", location="dental_caries"
            ) from exc
        if not 0 <= caries_value <= 32:
            raise UserError(
                "0から32の範囲で入力してください。",
                "Enter a value from 0 to 32.",
                location="dental_caries",
            )
    data = {
        "checked_on": checked_on,
        "height_cm": _decimal(values.get("height_cm"), location="height_cm", lo=50, hi=220),
        "weight_kg": _decimal(values.get("weight_kg"), location="weight_kg", lo=5, hi=200),
        "vision_right": str(values.get("vision_right") or ""),
        "vision_left": str(values.get("vision_left") or ""),
        "hearing": str(values.get("hearing") or "")[:50],
        "dental_caries": caries_value,
        "allergies": str(values.get("allergies") or "")[:300],
        "conditions": str(values.get("conditions") or "")[:500],
        "nurse_notes": str(values.get("nurse_notes") or ""),
        "entered_by": nurse,
        "school": school,
    }
    for side in ("vision_right", "vision_left"):
        if data[side] not in ("", "A", "B", "C", "D"):
            raise UserError("視力はA〜Dです。", "Vision is A to D.", location=side)
    record, _created = HealthRecord.objects.update_or_create(
        learner=learner, school_year=school_year, defaults=data
    )
    audit_record(
        actor=_who(actor, "nurse"),
        action="health.record.change",
        outcome=AuditOutcome.CHANGED,
        purpose="health_management",
        school_uuid=school.uuid,
        target_type="attendance.healthrecord",
        target_uuid=record.uuid,
        subject_uuid=learner.uuid,
    )
    return record


OBSERVATION_FIELDS = ("condition", "symptoms", "temperature", "note")


@transaction.atomic
def observation_save(
    *,
    actor: Actor,
    learner: Person,
    school: School,
    day: dt.date,
    values: Mapping[str, Any],
    role: str,
) -> HealthObservation:
    """Record the day's 健康観察 (teacher or guardian). No mood or emotion field exists: one
    sent anyway is refused by the prohibited-category filter before anything is stored."""
    person = _person(actor)
    scan(dict(values), location="$")
    _refuse_unknown(values, OBSERVATION_FIELDS)
    condition = values.get("condition")
    if condition not in Condition.values:
        raise UserError(
            "「元気」か「体調不良」を選んでください。",
            "Choose well or unwell.",
            location="condition",
        )
    symptoms = list(values.get("symptoms") or [])
    if any(s not in Symptom.values for s in symptoms):
        raise UserError(
            "症状は一覧から選んでください。", "Choose symptoms from the list.", location="symptoms"
        )
    note = str(values.get("note") or "")
    if len(note) > 200:
        raise UserError("メモは200字以内です。", "At most 200 characters.", location="note")
    observation, _created = HealthObservation.objects.update_or_create(
        learner=learner,
        date=day,
        defaults={
            "school": school,
            "condition": condition,
            "symptoms": symptoms if condition == Condition.UNWELL else [],
            "temperature": _decimal(
                values.get("temperature"), location="temperature", lo=34, hi=42
            ),
            "note": note,
            "entered_by": person,
        },
    )
    audit_record(
        actor=_who(actor, role),
        action="health.observation.change",
        outcome=AuditOutcome.CHANGED,
        purpose="health_management",
        school_uuid=school.uuid,
        target_type="attendance.healthobservation",
        target_uuid=observation.uuid,
        subject_uuid=learner.uuid,
    )
    return observation
