"""Organisations and people: boards, schools, 年度, classes, groups, persons and their roles.

History is kept, not overwritten: a person's role in a school, a guardian link and an
enrolment each have a begin and an end date; retiring sets the end date.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_lib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import TimestampedModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data

# Re-exported: the choices live in roster.choices so that any layer may import them.
from terakoya.roster.choices import BOARD_ROLES as BOARD_ROLES
from terakoya.roster.choices import STAFF_ROLES as STAFF_ROLES
from terakoya.roster.choices import ClassType as ClassType
from terakoya.roster.choices import EnrolmentRole as EnrolmentRole
from terakoya.roster.choices import Grade as Grade
from terakoya.roster.choices import Regime as Regime
from terakoya.roster.choices import Role as Role
from terakoya.roster.choices import SchoolType as SchoolType

BOARD_CODE_RE = re.compile(r"^[0-4]\d{5}$")
# 学校コード: type (2) + prefecture (2) + founder (1) + number (7) + check digit (1). The check
# digit's weights are unpublished, so only the pattern is validated (reference/codes.md).
SCHOOL_CODE_RE = re.compile(r"^[A-H][12][0-4]\d[123]\d{7}\d$")


def validate_board_code(value: str) -> None:
    if not BOARD_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _("教育委員会コードは6桁の数字です(都道府県2桁+番号4桁)。"), code="board_code"
        )


def validate_school_code(value: str) -> None:
    if not SCHOOL_CODE_RE.fullmatch(value or ""):
        raise ValidationError(
            _(
                "学校コードは13文字です(例: B113210000019)。"
                "学校種・都道府県・設置者・番号・検査数字の形式を確認してください。"
            ),
            code="school_code",
        )


@no_personal_data(
    "an organisation",
    structural=("name", "code", "regime", "learner_consent_age", "sourced_id", "is_demo"),
)
class Board(TimestampedModel):
    name = models.CharField(_("名称"), max_length=200)
    code = models.CharField(
        _("教育委員会コード"), max_length=6, unique=True, validators=[validate_board_code]
    )
    regime = models.CharField(max_length=10, choices=Regime.choices, default=Regime.PUBLIC)
    # From this age a learner gives or withdraws optional consent alongside the guardian.
    learner_consent_age = models.PositiveSmallIntegerField(default=13)
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


@no_personal_data(
    "an organisation",
    structural=("board", "name", "code", "school_type", "sourced_id"),
)
class School(TimestampedModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("学校名"), max_length=200)
    code = models.CharField(
        _("学校コード"), max_length=13, unique=True, validators=[validate_school_code]
    )
    school_type = models.CharField(max_length=2, choices=SchoolType.choices)
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    def __str__(self) -> str:
        return self.name


@no_personal_data(
    "a calendar period",
    structural=("board", "year", "title", "start_date", "end_date", "sourced_id"),
)
class SchoolYear(TimestampedModel):
    """A 年度: 1 April to 31 March, titled "2026年度"."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="school_years")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=20)
    start_date = models.DateField()
    end_date = models.DateField()
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "year"], name="schoolyear_board_year"),
            models.CheckConstraint(
                condition=Q(start_date__lt=models.F("end_date")), name="schoolyear_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


@no_personal_data(
    "a class is an organisational unit; its members are in Enrolment",
    structural=(
        "school",
        "school_year",
        "name",
        "class_type",
        "grades",
        "subject",
        "subject_codes",
        "class_code",
        "special_needs",
        "sourced_id",
        "course_sourced_id",
        "location",
        "periods",
    ),
)
class SchoolClass(TimestampedModel):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("クラス名"), max_length=100)
    class_type = models.CharField(max_length=10, choices=ClassType.choices)
    grades = models.JSONField(default=list, blank=True)  # e.g. ["P3"]
    subject = models.CharField(_("教科"), max_length=50, blank=True)
    subject_codes = models.JSONField(default=list, blank=True)  # e.g. ["P020"]
    class_code = models.CharField(max_length=50, blank=True)
    special_needs = models.BooleanField(null=True, blank=True)
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    course_sourced_id = models.CharField(max_length=64, null=True, blank=True)
    # OneRoster classes.location and classes.periods (docs/decisions/0120-oneroster-mapping.md).
    location = models.CharField(_("場所"), max_length=100, blank=True)
    periods = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("クラス")

    def __str__(self) -> str:
        return self.name


@no_personal_data(
    "a course (教科・科目の枠) is an organisational unit",
    structural=(
        "sourced_id",
        "school_year",
        "board",
        "school",
        "title",
        "course_code",
        "grades",
        "subjects",
        "subject_codes",
    ),
)
class Course(TimestampedModel):
    """A OneRoster course: the 年度's frame a class belongs to (decision 0120).

    Classes keep ``course_sourced_id``; this model keeps the course's own columns so an export
    gives back what was imported. ``board`` or ``school`` is the course's org.
    """

    sourced_id = models.CharField(max_length=64, unique=True)
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="roster_courses", null=True, blank=True
    )
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, related_name="roster_courses", null=True, blank=True
    )
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="roster_courses", null=True, blank=True
    )
    title = models.CharField(_("コース名"), max_length=200)
    course_code = models.CharField(max_length=50, blank=True)
    grades = models.JSONField(default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    subject_codes = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.title


@no_personal_data("a named set of learners within a class", structural=("school_class", "name"))
class LearnerGroup(TimestampedModel):
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("グループ名"), max_length=100)
    members: models.ManyToManyField[Person, Any] = models.ManyToManyField(
        "Person", related_name="learner_groups", blank=True
    )

    def __str__(self) -> str:
        return self.name


@personal_data(
    PersonalData(
        subject=Subject.PERSON,
        subject_path="",
        fields={
            "family_name": C.ROSTER,
            "given_name": C.ROSTER,
            "family_name_kana": C.ROSTER,
            "given_name_kana": C.ROSTER,
            "birth_date": C.ROSTER,
            "sex": C.ROSTER,
            "email": C.ROSTER,
            "phone": C.ROSTER,
            "sourced_id": C.ROSTER,
            "retired_at": C.ROSTER,
            "middle_name": C.ROSTER,
            "middle_name_kana": C.ROSTER,
            "preferred_family_name": C.ROSTER,
            "preferred_given_name": C.ROSTER,
            "preferred_middle_name": C.ROSTER,
            "pronouns": C.ROSTER,
            "username": C.ROSTER,
            "user_ids": C.ROSTER,
            "identifier": C.ROSTER,
            "sms": C.ROSTER,
            "user_master_identifier": C.ROSTER,
            "enabled_user": C.ROSTER,
            "grade": C.ROSTER,
            "home_class": C.ROSTER,
            "primary_org_sourced_id": C.ROSTER,
        },
        structural=("user",),
        # 学籍に関する記録 20 years (学校教育法施行規則 第28条): the person record underpins it.
        retention="school_register",
        retention_anchor="retired_at",
        erasable=False,
        label_ja="氏名・基本情報",
        label_en="Name and basic details",
    )
)
class Person(TimestampedModel):
    """A learner, guardian or member of staff. ``uuid`` is a learner's lifelong learner ID.

    The learner ID is a random UUID, never derived from the マイナンバー or anything else.
    """

    family_name = models.CharField(_("姓"), max_length=50)
    given_name = models.CharField(_("名"), max_length=50)
    family_name_kana = models.CharField(_("せい(ふりがな)"), max_length=100, blank=True)
    given_name_kana = models.CharField(_("めい(ふりがな)"), max_length=100, blank=True)
    birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    sex = models.CharField(_("性別"), max_length=12, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # OneRoster 1.2 Japan Profile users columns (docs/decisions/0120-oneroster-mapping.md).
    middle_name = models.CharField(_("ミドルネーム"), max_length=50, blank=True)
    middle_name_kana = models.CharField(_("ミドルネーム(ふりがな)"), max_length=100, blank=True)
    preferred_family_name = models.CharField(_("呼び名(姓)"), max_length=50, blank=True)
    preferred_given_name = models.CharField(_("呼び名(名)"), max_length=50, blank=True)
    preferred_middle_name = models.CharField(_("呼び名(ミドルネーム)"), max_length=50, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    username = models.CharField(_("ユーザー名"), max_length=150, blank=True)
    user_ids = models.JSONField(default=list, blank=True)  # ["{type:id}", ...] as in OneRoster
    identifier = models.CharField(_("識別子"), max_length=100, blank=True)
    sms = models.CharField(max_length=30, blank=True)
    # The 学習eポータル's UUID for the person; kept beside, never instead of, ``uuid``
    # (docs/decisions/0121-user-master-identifier.md).
    user_master_identifier = models.UUIDField(unique=True, null=True, blank=True)
    enabled_user = models.BooleanField(default=True)
    grade = models.CharField(max_length=2, choices=Grade.choices, blank=True)
    home_class = models.ForeignKey(
        "SchoolClass",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="home_class_people",
    )
    primary_org_sourced_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("人")
        indexes = [models.Index(fields=["family_name_kana", "given_name_kana"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def learner_id(self) -> uuid_lib.UUID:
        return self.uuid


@personal_data(
    PersonalData(
        subject=Subject.PERSON,
        subject_path="person",
        fields={"role": C.ROSTER, "grade": C.ROSTER, "begin_date": C.ROSTER, "end_date": C.ROSTER},
        structural=("person", "board", "school", "sourced_id", "is_primary"),
        retention="school_register",
        retention_anchor="end_date",
        erasable=False,
        label_ja="学校での役割・学年",
        label_en="Roles and grades at school",
    )
)
class Membership(TimestampedModel):
    """A person's role in a school (or, with ``school`` empty, in a board) over a period."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="memberships")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    grade = models.CharField(max_length=2, choices=Grade.choices, blank=True)
    begin_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=True)
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school", "role"]), models.Index(fields=["person", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("begin_date")),
                name="membership_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})"

    def active_on(self, day: dt.date) -> bool:
        return self.begin_date <= day and (self.end_date is None or day <= self.end_date)


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={"relationship": C.ROSTER, "begin_date": C.ROSTER, "end_date": C.ROSTER},
        structural=("guardian", "learner"),
        retention="while_active",
        retention_anchor="end_date",
        label_ja="保護者との関係",
        label_en="Guardian links",
    )
)
class GuardianLink(TimestampedModel):
    guardian = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="children_links")
    learner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardian_links")
    relationship = models.CharField(_("続柄"), max_length=20, blank=True)
    begin_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "learner", "begin_date"], name="guardianlink_unique"
            )
        ]


@personal_data(
    PersonalData(
        subject=Subject.PERSON,
        subject_path="person",
        fields={
            "role": C.ROSTER,
            "shusseki_no": C.ROSTER,
            "begin_date": C.ROSTER,
            "end_date": C.ROSTER,
        },
        structural=("person", "school_class", "is_primary", "sourced_id", "public_flag"),
        retention="school_register",
        retention_anchor="end_date",
        erasable=False,
        label_ja="在籍クラス・出席番号",
        label_en="Class enrolments",
    )
)
class Enrolment(TimestampedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrolments"
    )
    role = models.CharField(max_length=16, choices=EnrolmentRole.choices)
    # For teachers: the lead (homeroom) teacher of the class.
    is_primary = models.BooleanField(default=False)
    shusseki_no = models.PositiveSmallIntegerField(_("出席番号"), null=True, blank=True)
    public_flag = models.BooleanField(null=True, blank=True)
    begin_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    sourced_id = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school_class", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(role="student") & Q(is_primary=True)),
                name="enrolment_student_not_primary",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("begin_date")),
                name="enrolment_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.school_class}"
