"""The question bank, drills and tests, attempts and responses.

A question's type-specific content lives in ``spec`` (validated by
:mod:`terakoya.assessment.qtypes`); an attempt freezes the questions it asks and the mastery
rule in force when it started, so later edits to a drill never change a past attempt.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import TimestampedModel
from terakoya.courses.models import Course
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, no_personal_data, personal_data
from terakoya.roster.models import Person, School


class QType(models.TextChoices):
    SINGLE = "single", _("単一選択")
    MULTIPLE = "multiple", _("複数選択")
    TRUEFALSE = "truefalse", _("○×")
    NUMERIC = "numeric", _("数値")
    SHORT = "short", _("短い記述")
    ORDERING = "ordering", _("並べ替え")
    MATCHING = "matching", _("組み合わせ")
    CLOZE = "cloze", _("穴うめ")
    ESSAY = "essay", _("記述(先生が採点)")


@no_personal_data(
    "teaching content written or imported by staff (the author is recorded in the audit log)",
    structural=(
        "school",
        "qtype",
        "name",
        "category",
        "text",
        "spec",
        "general_feedback",
        "hints",
        "tags",
        "codes",
        "default_mark",
        "source_format",
    ),
)
class Question(TimestampedModel):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="questions")
    qtype = models.CharField(max_length=12, choices=QType.choices)
    name = models.CharField(_("問題名"), max_length=255)
    category = models.CharField(max_length=255, blank=True)
    text = models.TextField(_("問題文"))
    spec = models.JSONField(default=dict)
    general_feedback = models.TextField(blank=True)
    hints = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    codes = models.JSONField(default=list, blank=True)  # 学習指導要領コード
    default_mark = models.FloatField(default=1.0)
    source_format = models.CharField(max_length=12, blank=True)

    class Meta:
        indexes = [models.Index(fields=["school", "qtype"])]

    def __str__(self) -> str:
        return self.name


class Selection(models.TextChoices):
    FIXED = "fixed", _("決まった問題")
    RANDOM = "random", _("コードからランダム")


class DrillKind(models.TextChoices):
    DRILL = "drill", _("ドリル")
    TEST = "test", _("テスト")


@no_personal_data(
    "an activity definition",
    structural=(
        "school",
        "course",
        "kind",
        "title",
        "selection",
        "pool_codes",
        "pool_size",
        "time_limit_seconds",
        "max_attempts",
        "mastery_rule",
        "rubric",
        "show_feedback",
    ),
)
class Drill(TimestampedModel):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="drills")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="drills")
    kind = models.CharField(max_length=8, choices=DrillKind.choices, default=DrillKind.DRILL)
    title = models.CharField(_("題名"), max_length=200)
    selection = models.CharField(max_length=8, choices=Selection.choices, default=Selection.FIXED)
    pool_codes = models.JSONField(default=list, blank=True)
    pool_size = models.PositiveSmallIntegerField(default=0)
    time_limit_seconds = models.PositiveIntegerField(null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(null=True, blank=True)
    # {"kind": "all"} | {"kind": "m_of_n", "m": 3, "n": 5} | {"kind": "streak", "n": 3}
    mastery_rule = models.JSONField(default=dict)
    # [{"name": "わかりやすさ", "levels": ["A", "B", "C"]}]
    rubric = models.JSONField(default=list, blank=True)
    show_feedback = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.title


@no_personal_data("an activity definition", structural=("drill", "question", "position"))
class DrillItem(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["drill", "position"], name="drillitem_position")
        ]

    def __str__(self) -> str:
        return f"{self.drill} {self.position}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("とちゅう")
    NEEDS_MARKING = "needs_marking", _("先生の採点待ち")
    COMPLETED = "completed", _("おわり")


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "number": C.ASSESSMENT,
            "state": C.ASSESSMENT,
            "started_at": C.ASSESSMENT,
            "deadline_at": C.ASSESSMENT,
            "finished_at": C.ASSESSMENT,
            "question_ids": C.ASSESSMENT,
            "mastery_rule": C.ASSESSMENT,
            "score": C.ASSESSMENT,
            "max_score": C.ASSESSMENT,
            "mastered": C.ASSESSMENT,
            "teacher_comment": C.ASSESSMENT,
            "rubric_levels": C.ASSESSMENT,
            "feedback_at": C.ASSESSMENT,
        },
        structural=("drill", "learner", "seed"),
        retention="study_log",
        retention_anchor="started_at",
        label_ja="ドリル・テストの解答と結果",
        label_en="Drill and test attempts",
    )
)
class Attempt(TimestampedModel):
    drill = models.ForeignKey(Drill, on_delete=models.PROTECT, related_name="attempts")
    learner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=16, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField(default=0)
    question_ids = models.JSONField(default=list)  # frozen at start, in order
    mastery_rule = models.JSONField(default=dict)  # frozen at start
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(default=0)
    mastered = models.BooleanField(default=False)
    teacher_comment = models.TextField(blank=True)
    rubric_levels = models.JSONField(default=dict, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drill", "learner", "number"], name="attempt_number")
        ]
        indexes = [
            models.Index(fields=["learner", "drill"]),
            # Per learner, count and latest change (and state) in index order: the dashboards'
            # change fingerprint reads this index only, not a year of attempt rows (0222).
            # ``state`` last, so that (learner, drill) stays the index for drill lookups.
            models.Index(fields=["learner", "updated_at", "state"], name="attempt_learner_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.drill} #{self.number}"


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="attempt__learner",
        fields={
            "answer": C.ASSESSMENT,
            "answered_at": C.ASSESSMENT,
            "auto_fraction": C.ASSESSMENT,
            "fraction": C.ASSESSMENT,
            "marked_by_teacher": C.ASSESSMENT,
            "comment": C.ASSESSMENT,
        },
        structural=("attempt", "question", "slot", "max_mark"),
        retention="study_log",
        retention_anchor="attempt__started_at",
        label_ja="ドリル・テストの各問の解答",
        label_en="Answers to each question",
    )
)
class Response(TimestampedModel):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    slot = models.PositiveSmallIntegerField()
    max_mark = models.FloatField(default=1.0)
    answer = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    auto_fraction = models.FloatField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)  # None: not (yet) marked
    marked_by_teacher = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["slot"]
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="response_slot")]
