"""Models of the insights app: fitted mastery parameters and the privacy-budget ledger."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from terakoya.core.models import PublicModel
from terakoya.privacy.registry import no_personal_data
from terakoya.roster.models import Board


@no_personal_data(
    "per-skill BKT parameters fitted over at least MIN_LEARNERS learners: an aggregate, "
    "no learner's responses or identity",
    structural=(
        "board",
        "code",
        "p_init",
        "p_transit",
        "p_slip",
        "p_guess",
        "fitted_at",
        "n_responses",
        "n_learners",
        "log_likelihood",
        "iterations",
        "converged",
        "replicates",
        "guess_max",
        "slip_max",
    ),
)
class SkillFit(PublicModel):
    """One fit of one skill's BKT parameters (a course-of-study code), kept for inspection.

    A new fit adds a row; the latest per (board, code) is the one in use, earlier ones show
    how the parameters moved. ``replicates`` holds bootstrap refits ([L0, T, S, G] each) that
    give every estimate its interval.
    """

    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField("学習指導要領コード等", max_length=64)
    p_init = models.FloatField("初期習得確率 L0")
    p_transit = models.FloatField("学習確率 T")
    p_slip = models.FloatField("ケアレスミス確率 S")
    p_guess = models.FloatField("当て推量確率 G")
    fitted_at = models.DateTimeField()
    n_responses = models.PositiveIntegerField()
    n_learners = models.PositiveIntegerField()
    log_likelihood = models.FloatField()
    iterations = models.PositiveIntegerField()
    converged = models.BooleanField()
    replicates = models.JSONField(default=list)
    guess_max = models.FloatField()
    slip_max = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["board", "code", "-fitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(p_guess__lt=0.5) & Q(p_slip__lt=0.5),
                name="insights_skillfit_identifiable",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} @ {self.fitted_at:%Y-%m-%d}"


@no_personal_data(
    "a board's differential-privacy budget: a number and a period",
    structural=("board", "epsilon_total", "period_start", "period_end", "created_at"),
)
class PrivacyBudget(PublicModel):
    """How much privacy loss (epsilon) a board may spend on releases in one period."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="+")
    epsilon_total = models.FloatField()
    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(epsilon_total__gt=0), name="insights_budget_positive"
            ),
            models.UniqueConstraint(
                fields=["board", "period_start"], name="insights_budget_one_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board_id}: ε={self.epsilon_total} {self.period_start}–{self.period_end}"


@no_personal_data(
    "one differentially private release: the noisy figure and its epsilon, never the true count",
    structural=(
        "budget",
        "label",
        "epsilon",
        "mechanism",
        "scale",
        "released",
        "released_at",
    ),
)
class PrivacyRelease(PublicModel):
    """A line of a board's privacy-budget ledger: what was released and what it cost."""

    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="releases")
    label = models.CharField(max_length=200)
    epsilon = models.FloatField()
    mechanism = models.CharField(max_length=40)
    scale = models.FloatField()
    # The noisy figures as released: {"": n} for one count, {cell label: n} for a table.
    released = models.JSONField()
    # Who released it is in the audit log (insights.dp_release), not here.
    released_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(epsilon__gt=0), name="insights_release_positive")
        ]

    def __str__(self) -> str:
        return f"{self.label} ε={self.epsilon}"
