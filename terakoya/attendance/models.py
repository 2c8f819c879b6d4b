"""School-affairs records (校務): the attendance register, absence notices, alerts, health.

These are life-log records, the most sensitive the source names after the assist log: they live
in their own tables (never in the learning-record store) and are read only through
``terakoya.attendance.access``.

The register stores exceptions only: a learner without a row on a school day was present
(出席), which is how a paper 出席簿 is kept too (docs/decisions/0160-attendance-register.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from terakoya.attendance.codes import (
    AbsenceReason,
    CalendarKind,
    Condition,
    NoticeKind,
    RuleKind,
    Status,
    VisionGrade,
)
from terakoya.core.models import TimestampedModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data

# --------------------------------------------------------------------------- settings


@no_personal_data(
    "a board-wide switch",
    structural=("board", "xapi_statements_enabled"),
)
class BoardAttendanceSettings(TimestampedModel):
    """Board settings for school-affairs records. Absent row = every default."""

    board = models.OneToOneField(
        "roster.Board", on_delete=models.CASCADE, related_name="attendance_settings"
    )
    # Off by default: 校務 data stays in its own tables unless the board decides otherwise.
    xapi_statements_enabled = models.BooleanField(
        _("出欠をxAPIステートメントとして記録"), default=False
    )


@no_personal_data(
    "a school's policy",
    structural=("school", "periods_per_day", "health_teaching_fields"),
)
class SchoolAttendancePolicy(TimestampedModel):
    """A school's choices: per-period registers and the health fields teachers may see."""

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="attendance_policy"
    )
    # 0: daily register only; n: the register also has periods 1..n.
    periods_per_day = models.PositiveSmallIntegerField(default=0)
    # Health-record fields the school marks as needed for teaching: the homeroom teacher sees
    # these and no others (学校保健安全法; 要配慮個人情報).
    health_teaching_fields = models.JSONField(default=list, blank=True)


@no_personal_data(
    "a school calendar entry",
    structural=("school", "date", "kind", "label"),
)
class CalendarException(TimestampedModel):
    """A day that differs from the rule "授業日 = weekdays of the 年度".

    ``closed``: a holiday, vacation day or closure on a weekday; ``open``: a school day on a
    weekend (授業参観の土曜日). See docs/decisions/0161-school-calendar.md.
    """

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="calendar_exceptions"
    )
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=CalendarKind.choices)
    label = models.CharField(_("名称"), max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="calendarexception_unique")
        ]
        ordering = ["date"]


# --------------------------------------------------------------------------- the register


@no_personal_data(
    "marks that a class's register was taken on a day; who took it is in the audit log",
    structural=("school_class", "date", "period", "taken_at"),
)
class RegisterDay(TimestampedModel):
    """The register of a class was taken for ``date`` (and ``period``; 0 = the day)."""

    school_class = models.ForeignKey(
        "roster.SchoolClass", on_delete=models.CASCADE, related_name="register_days"
    )
    date = models.DateField()
    period = models.PositiveSmallIntegerField(default=0)
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "date", "period"], name="registerday_unique"
            )
        ]


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "date": C.ATTENDANCE,
            "period": C.ATTENDANCE,
            "status": C.ATTENDANCE,
            "reason": C.ATTENDANCE,
            "note": C.ATTENDANCE,
            "recorded_by": C.ATTENDANCE,
        },
        structural=("learner", "school_class", "notice"),
        # 出席簿 5 years (学校教育法施行規則 第28条).
        retention="attendance_register",
        retention_anchor="date",
        erasable=False,
        label_ja="出席簿",
        label_en="Attendance register",
    )
)
class AttendanceEntry(TimestampedModel):
    """One learner's status on one day (period 0) or one period, when it is not plain 出席."""

    learner = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, related_name="attendance_entries"
    )
    school_class = models.ForeignKey(
        "roster.SchoolClass", on_delete=models.PROTECT, related_name="attendance_entries"
    )
    date = models.DateField()
    period = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.CharField(max_length=10, choices=AbsenceReason.choices, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, related_name="attendance_recorded"
    )
    notice = models.ForeignKey(
        "AbsenceNotice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "school_class", "date", "period"], name="attendanceentry_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="absent") | Q(reason=""), name="attendanceentry_reason"
            ),
        ]
        indexes = [models.Index(fields=["school_class", "date"])]


# --------------------------------------------------------------------------- absence notices


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "sent_by": C.COMMUNICATION,
            "kind": C.ATTENDANCE,
            "first_date": C.ATTENDANCE,
            "last_date": C.ATTENDANCE,
            "reason": C.ATTENDANCE,
            "message": C.COMMUNICATION,
            # Symptoms are given only if the guardian chooses; they are health data.
            "symptoms": C.HEALTH,
            "sent_at": C.COMMUNICATION,
            "seen_by": C.COMMUNICATION,
            "seen_at": C.COMMUNICATION,
        },
        structural=("learner", "school"),
        retention="communication",
        retention_anchor="last_date",
        label_ja="欠席連絡",
        label_en="Absence notices",
    )
)
class AbsenceNotice(TimestampedModel):
    """A guardian's notice of absence, lateness or early leave for one or more days."""

    learner = models.ForeignKey(
        "roster.Person", on_delete=models.CASCADE, related_name="absence_notices"
    )
    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, related_name="absence_notices_sent"
    )
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    first_date = models.DateField()
    last_date = models.DateField()
    reason = models.CharField(max_length=10, choices=AbsenceReason.choices)
    message = models.CharField(_("連絡事項"), max_length=500, blank=True)
    symptoms = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField()
    seen_by = models.ForeignKey(
        "roster.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absence_notices_seen",
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(first_date__lte=models.F("last_date")), name="absencenotice_order"
            )
        ]
        indexes = [models.Index(fields=["school", "first_date", "last_date"])]


# --------------------------------------------------------------------------- alerts


@no_personal_data(
    "a rule the school sets",
    structural=("school", "kind", "threshold", "window_days", "active"),
)
class AlertRule(TimestampedModel):
    """A transparent rule: ``threshold`` consecutive absent school days, or ``threshold``
    absent days within ``window_days`` calendar days. Nothing predictive, no scores."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=RuleKind.choices)
    threshold = models.PositiveSmallIntegerField()
    window_days = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=1), name="alertrule_threshold"),
            models.CheckConstraint(
                condition=Q(kind="consecutive") | Q(window_days__gte=1), name="alertrule_window"
            ),
        ]


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "triggered_on": C.ATTENDANCE,
            "evidence": C.ATTENDANCE,
            "acknowledged_by": C.ATTENDANCE,
            "acknowledged_at": C.ATTENDANCE,
            "follow_up": C.ATTENDANCE,
        },
        structural=("learner", "rule", "school_class"),
        retention="attendance_register",
        retention_anchor="triggered_on",
        label_ja="出欠の確認アラート",
        label_en="Attendance alerts",
    )
)
class AttendanceAlert(TimestampedModel):
    """A rule fired for a learner; ``evidence`` lists the days (ISO dates) that triggered it."""

    learner = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, related_name="alerts")
    school_class = models.ForeignKey(
        "roster.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    triggered_on = models.DateField()
    evidence = models.JSONField(default=list)
    acknowledged_by = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.TextField(_("対応の記録"), blank=True)


# --------------------------------------------------------------------------- health


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "checked_on": C.HEALTH,
            "height_cm": C.HEALTH,
            "weight_kg": C.HEALTH,
            "vision_right": C.HEALTH,
            "vision_left": C.HEALTH,
            "hearing": C.HEALTH,
            "dental_caries": C.HEALTH,
            "allergies": C.HEALTH,
            "conditions": C.HEALTH,
            "nurse_notes": C.HEALTH,
            "entered_by": C.HEALTH,
        },
        structural=("learner", "school", "school_year"),
        # 健康診断票 5 years (学校保健安全法施行規則 第8条第4項).
        retention="health_record",
        retention_anchor="checked_on",
        erasable=False,
        label_ja="健康診断票",
        label_en="Health checkup record",
    )
)
class HealthRecord(TimestampedModel):
    """One year's 健康診断 results (要配慮個人情報), entered by the nurse."""

    learner = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    school_year = models.ForeignKey("roster.SchoolYear", on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("検査日"))
    height_cm = models.DecimalField(_("身長(cm)"), max_digits=4, decimal_places=1, null=True)
    weight_kg = models.DecimalField(_("体重(kg)"), max_digits=4, decimal_places=1, null=True)
    vision_right = models.CharField(
        _("視力(右)"), max_length=1, choices=VisionGrade.choices, blank=True
    )
    vision_left = models.CharField(
        _("視力(左)"), max_length=1, choices=VisionGrade.choices, blank=True
    )
    hearing = models.CharField(_("聴力"), max_length=50, blank=True)
    dental_caries = models.PositiveSmallIntegerField(_("むし歯(未処置)"), null=True)
    allergies = models.CharField(_("アレルギー"), max_length=300, blank=True)
    conditions = models.CharField(_("疾病・異常"), max_length=500, blank=True)
    nurse_notes = models.TextField(_("養護教諭の所見"), blank=True)
    entered_by = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "school_year"], name="healthrecord_year")
        ]


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "date": C.HEALTH,
            "condition": C.HEALTH,
            "symptoms": C.HEALTH,
            "temperature": C.HEALTH,
            "note": C.HEALTH,
            "entered_by": C.HEALTH,
        },
        structural=("learner", "school"),
        retention="communication",
        retention_anchor="date",
        label_ja="健康観察",
        label_en="Daily health observation",
    )
)
class HealthObservation(TimestampedModel):
    """The morning 健康観察: well or unwell, symptoms and temperature if given.

    There is deliberately no mood or emotion field: the prohibited-category filter refuses one.
    """

    learner = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    condition = models.CharField(max_length=8, choices=Condition.choices)
    symptoms = models.JSONField(default=list, blank=True)
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    entered_by = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "date"], name="healthobservation_day")
        ]
