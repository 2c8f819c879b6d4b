"""Codes of school-affairs records: statuses, reasons, symptoms, health fields.

Kept apart from the models so that forms and templates can use them without touching a
personal-data model (ruff TID251).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarKind(models.TextChoices):
    CLOSED = "closed", _("休業日")
    OPEN = "open", _("授業日(土日の授業など)")


class Status(models.TextChoices):
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("欠席")
    LATE = "late", _("遅刻")
    EARLY_LEAVE = "early_leave", _("早退")
    SUSPENDED = "suspended", _("出席停止")
    MOURNING = "mourning", _("忌引")


class AbsenceReason(models.TextChoices):
    ILLNESS = "illness", _("病気")
    INJURY = "injury", _("事故・けが")
    FAMILY = "family", _("家庭の事情")
    OTHER = "other", _("その他")


class NoticeKind(models.TextChoices):
    ABSENT = "absent", _("欠席")
    LATE = "late", _("遅刻")
    EARLY_LEAVE = "early_leave", _("早退")


NOTICE_STATUS: dict[str, str] = {
    NoticeKind.ABSENT: Status.ABSENT,
    NoticeKind.LATE: Status.LATE,
    NoticeKind.EARLY_LEAVE: Status.EARLY_LEAVE,
}


class Symptom(models.TextChoices):
    FEVER = "fever", _("発熱")
    COUGH = "cough", _("せき")
    SORE_THROAT = "sore_throat", _("のどの痛み")
    RUNNY_NOSE = "runny_nose", _("鼻水")
    HEADACHE = "headache", _("頭痛")
    STOMACHACHE = "stomachache", _("腹痛")
    NAUSEA = "nausea", _("吐き気・おう吐")
    DIARRHEA = "diarrhea", _("下痢")
    RASH = "rash", _("発疹")
    OTHER = "other", _("その他")


class RuleKind(models.TextChoices):
    CONSECUTIVE = "consecutive", _("連続欠席")
    WINDOW = "window", _("期間内の欠席")


class VisionGrade(models.TextChoices):
    A = "A", "A (1.0以上)"
    B = "B", "B (0.7–0.9)"
    C = "C", "C (0.3–0.6)"
    D = "D", "D (0.3未満)"


#: Health-record fields, in display order; a school marks some of them for teachers.
HEALTH_FIELDS = (
    "height_cm",
    "weight_kg",
    "vision_right",
    "vision_left",
    "hearing",
    "dental_caries",
    "allergies",
    "conditions",
    "nurse_notes",
)
#: What a school marks by default: allergies (for lunches and lessons) only.
DEFAULT_TEACHING_FIELDS = ("allergies",)


class Condition(models.TextChoices):
    WELL = "well", _("元気")
    UNWELL = "unwell", _("体調不良")
