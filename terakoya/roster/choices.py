"""Choices of the roster (roles, grades, school and class types), importable by any layer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    P1 = "P1", _("小学1年")
    P2 = "P2", _("小学2年")
    P3 = "P3", _("小学3年")
    P4 = "P4", _("小学4年")
    P5 = "P5", _("小学5年")
    P6 = "P6", _("小学6年")
    J1 = "J1", _("中学1年")
    J2 = "J2", _("中学2年")
    J3 = "J3", _("中学3年")


class SchoolType(models.TextChoices):
    ELEMENTARY = "B1", _("小学校")
    JUNIOR_HIGH = "C1", _("中学校")
    COMPULSORY = "C2", _("義務教育学校")


class Regime(models.TextChoices):
    """Which chapter of the APPI governs the board's schools (reference/privacy-law.md)."""

    PUBLIC = "public", _("公立(個人情報保護法 第5章)")
    PRIVATE = "private", _("私立(個人情報保護法 第4章)")


class Role(models.TextChoices):
    LEARNER = "learner", _("児童生徒")
    GUARDIAN = "guardian", _("保護者")
    TEACHER = "teacher", _("教員")
    NURSE = "nurse", _("養護教諭")
    SCHOOL_ADMIN = "school_admin", _("学校管理者")
    PRINCIPAL = "principal", _("校長")
    SPECIAL_SUPPORT = "special_support", _("特別支援教育コーディネーター")
    BOARD_ANALYST = "board_analyst", _("教育委員会 分析担当")
    BOARD_ADMIN = "board_admin", _("教育委員会 管理者")


class ClassType(models.TextChoices):
    HOMEROOM = "homeroom", _("学級(ホームルーム)")
    SCHEDULED = "scheduled", _("授業クラス")


class EnrolmentRole(models.TextChoices):
    STUDENT = "student", _("児童生徒")
    TEACHER = "teacher", _("教員")
    # OneRoster enrollments.role also allows these; they grant no relation to learners.
    ADMINISTRATOR = "administrator", _("管理者")
    PROCTOR = "proctor", _("試験監督")


STAFF_ROLES = frozenset(
    {Role.TEACHER, Role.NURSE, Role.SCHOOL_ADMIN, Role.PRINCIPAL, Role.SPECIAL_SUPPORT}
)
BOARD_ROLES = frozenset({Role.BOARD_ANALYST, Role.BOARD_ADMIN})

__all__ = [
    "BOARD_ROLES",
    "STAFF_ROLES",
    "ClassType",
    "EnrolmentRole",
    "Grade",
    "Regime",
    "Role",
    "SchoolType",
]
