""" "Next practice" suggestions: proposed with their reason, decided by a teacher.

A suggestion names one learner and one course-of-study code, the reason in words and the
evidence it rests on (the mastery estimate and the attempt ids behind it) as JSON. It is born
``proposed`` and only the teacher turns it into ``approved`` (then the learner and guardians see
it, with its reason) or ``dismissed``. Nothing here is a score of the learner: the evidence is
what the teacher would look at anyway (docs/decisions/0221-suggestions.md).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from terakoya.core.models import TimestampedModel
from terakoya.privacy.categories import DataCategory as C
from terakoya.privacy.registry import PersonalData, Subject, personal_data

__all__ = ["MasteryState", "Suggestion", "SuggestionStatus", "WorkState"]


class SuggestionStatus(models.TextChoices):
    PROPOSED = "proposed", _("提案(先生の確認待ち)")
    APPROVED = "approved", _("先生が承認")
    DISMISSED = "dismissed", _("見送り")


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "code": C.STUDY_LOG,
            "reason_ja": C.STUDY_LOG,
            "reason_en": C.STUDY_LOG,
            "evidence": C.ASSESSMENT,
            "status": C.STUDY_LOG,
            "decided_by": C.STUDY_LOG,
            "decided_at": C.STUDY_LOG,
        },
        structural=("learner", "school_class"),
        retention="study_log",
        retention_anchor="created_at",
        label_ja="次の練習の提案",
        label_en="Next-practice suggestions",
    )
)
class Suggestion(TimestampedModel):
    """One "next practice" suggestion for one learner and code, and the teacher's decision."""

    learner = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    # The class whose teacher decides (the class the suggestion was made from).
    school_class = models.ForeignKey(
        "roster.SchoolClass", on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("学習指導要領コード"), max_length=64)
    reason_ja = models.CharField(max_length=500)
    reason_en = models.CharField(max_length=500)
    # {"p_mastered": .., "low": .., "high": .., "attempt_ids": [...], "rule": "..."}
    evidence = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        "roster.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_by__isnull=False),
                name="insights_suggestion_decided_by",
            ),
            # At most one open proposal per learner, code and class.
            models.UniqueConstraint(
                fields=["learner", "school_class", "code"],
                condition=Q(status="proposed"),
                name="insights_suggestion_one_open",
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "code": C.STUDY_LOG,
            "p_mastered": C.ASSESSMENT,
            "n_attempts": C.ASSESSMENT,
            "n_right": C.ASSESSMENT,
            "fingerprint": C.ASSESSMENT,
        },
        structural=("learner", "school_class", "fit"),
        retention="study_log",
        retention_anchor="updated_at",
        label_ja="習得の見込み(学級の一覧用の集計)",
        label_en="Mastery estimates (summary for the class overview)",
    )
)
class MasteryState(TimestampedModel):
    """A learner's BKT point estimate for one code in one class, after all their answers.

    Derived data: the class overview reads 40 × codes of these rows instead of every answer
    (docs/decisions/0222-class-dashboard-data.md). ``fingerprint`` (count, last answer id and
    sum of the marks of the answers, and the fit used) says when it is stale: a new answer, a
    re-mark or a new fit changes it and the row is recomputed from the answers.
    """

    learner = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        "roster.SchoolClass", on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(max_length=64)
    fit = models.ForeignKey("insights.SkillFit", on_delete=models.CASCADE, related_name="+")
    p_mastered = models.FloatField()
    n_attempts = models.PositiveIntegerField()
    n_right = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "school_class", "code"], name="insights_masterystate_unique"
            )
        ]
        indexes = [models.Index(fields=["school_class", "code"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.p_mastered:.2f}"


@personal_data(
    PersonalData(
        subject=Subject.LEARNER,
        subject_path="learner",
        fields={
            "handed_in": C.ASSESSMENT,
            "mean_mark": C.ASSESSMENT,
            "fingerprint": C.ASSESSMENT,
        },
        structural=("learner", "school_class"),
        retention="study_log",
        retention_anchor="updated_at",
        label_ja="提出数と得点率(学級の一覧用の集計)",
        label_en="Work handed in and mean mark (summary for the class overview)",
    )
)
class WorkState(TimestampedModel):
    """A learner's year figures in one class: class-wide drills past due handed in, and the
    mean share of the maximum over marked attempts.

    Derived data, like :class:`MasteryState`: the class overview reads 40 of these rows
    instead of a year of attempts (docs/decisions/0222-class-dashboard-data.md).
    ``fingerprint`` (the learner's attempts: count and latest change per state, open answers;
    and a digest of the class's assignments past due) says when it is stale.
    """

    learner = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        "roster.SchoolClass", on_delete=models.CASCADE, related_name="+"
    )
    handed_in = models.PositiveIntegerField()
    mean_mark = models.FloatField(null=True)
    fingerprint = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "school_class"], name="insights_workstate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.handed_in} handed in"
