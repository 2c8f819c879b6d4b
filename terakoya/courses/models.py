"""Courses per class and subject for a 年度, units tagged with 学習指導要領コード, materials and
assignments to a class, a group or one learner."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import TimestampedModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data
from terakoya.roster.models import LearnerGroup, Person, School, SchoolClass, SchoolYear


@no_personal_data(
    "the official course-of-study code table (MEXT, CC BY 4.0)",
    structural=("code", "parent_code", "school_type", "subject", "grade", "text"),
)
class CurriculumCode(models.Model):
    """One row of the official 学習指導要領コード table, imported from CSV."""

    code = models.CharField(max_length=16, unique=True)
    parent_code = models.CharField(max_length=16, blank=True)
    school_type = models.CharField(max_length=20, blank=True)
    subject = models.CharField(max_length=50, blank=True)
    grade = models.CharField(max_length=20, blank=True)
    text = models.TextField()

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


@no_personal_data(
    "a course is an organisational unit of a class",
    structural=("school", "school_year", "school_class", "subject", "subject_code", "title"),
)
class Course(TimestampedModel):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="courses")
    school_year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="courses")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="courses")
    subject = models.CharField(_("教科"), max_length=50)
    # The Japan xAPI profile's subject extension: a 学習指導要領コード or a subject-name code.
    subject_code = models.CharField(max_length=20, blank=True)
    title = models.CharField(_("コース名"), max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "school_year"], name="course_class_subject_year"
            )
        ]

    def __str__(self) -> str:
        return self.title


@no_personal_data("curriculum structure", structural=("course", "title", "position", "codes"))
class Unit(TimestampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="units")
    title = models.CharField(_("単元名"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    codes = models.JSONField(default=list, blank=True)  # 学習指導要領コード, validated

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class MaterialKind(models.TextChoices):
    FILE = "file", _("ファイル")
    LINK = "link", _("リンク")
    PAGE = "page", _("ページ")


@no_personal_data(
    "teaching material written or uploaded by staff",
    structural=(
        "course",
        "unit",
        "kind",
        "title",
        "url",
        "body",
        "storage_name",
        "file_name",
        "content_type",
        "size",
        "sha256",
    ),
)
class Material(TimestampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="materials"
    )
    kind = models.CharField(max_length=8, choices=MaterialKind.choices)
    title = models.CharField(_("題名"), max_length=200)
    url = models.URLField(blank=True)
    body = models.TextField(blank=True)
    # Files live outside static and media, under DATA_DIR/materials/<uuid>; the name the
    # uploader gave is kept only for the download's Content-Disposition.
    storage_name = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.title


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="target_learner",
        fields={"target_learner": C.STUDY_LOG},
        structural=(
            "course",
            "material",
            "drill",
            "title",
            "instructions",
            "target_class",
            "target_group",
            "open_at",
            "due_at",
        ),
        retention="study_log",
        retention_anchor="due_at",
        label_ja="個別の課題",
        label_en="Individual assignments",
    )
)
class Assignment(TimestampedModel):
    """A material or a drill assigned to a class, a group or one learner, open from–until."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    drill = models.ForeignKey(
        "assessment.Drill",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    title = models.CharField(_("課題名"), max_length=200)
    instructions = models.TextField(blank=True)
    target_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_group = models.ForeignKey(
        LearnerGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_learner = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    open_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        target_class__isnull=False,
                        target_group__isnull=True,
                        target_learner__isnull=True,
                    )
                    | Q(
                        target_class__isnull=True,
                        target_group__isnull=False,
                        target_learner__isnull=True,
                    )
                    | Q(
                        target_class__isnull=True,
                        target_group__isnull=True,
                        target_learner__isnull=False,
                    )
                ),
                name="assignment_one_target",
            ),
            models.CheckConstraint(
                condition=Q(material__isnull=False) | Q(drill__isnull=False),
                name="assignment_has_task",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gte=models.F("open_at")),
                name="assignment_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title
