"""Reads of the insights app: the parameters in use per code, estimates, the budget ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from terakoya.insights.bkt import Params
from terakoya.insights.mastery import Attempt, MasteryEstimate, mastery_estimate
from terakoya.insights.models import PrivacyBudget, PrivacyRelease, SkillFit
from terakoya.insights.services import budget_spent
from terakoya.roster.models import Board


def skill_fit_latest(*, codes: Iterable[str], board: Board | None = None) -> dict[str, SkillFit]:
    """Return the newest fit per code for ``board`` (or the installation-wide fit)."""
    wanted = set(codes)
    latest: dict[str, SkillFit] = {}
    for fit in SkillFit.objects.filter(board=board, code__in=wanted).order_by(
        "code", "-fitted_at", "-id"
    ):
        latest.setdefault(fit.code, fit)
    return latest


def skill_fit_params(fit: SkillFit) -> Params:
    return Params(fit.p_init, fit.p_transit, fit.p_slip, fit.p_guess)


def skill_fit_replicates(fit: SkillFit) -> list[Params]:
    return [Params(*map(float, row)) for row in fit.replicates]


def mastery_for_attempts(
    *, fit: SkillFit, attempts: Sequence[Attempt], level: float = 0.9
) -> MasteryEstimate:
    """One learner's P(mastered) for the fit's code, with its trace and interval."""
    return mastery_estimate(
        skill_fit_params(fit), attempts, replicates=skill_fit_replicates(fit), level=level
    )


@dataclass(frozen=True)
class LedgerView:
    budget: PrivacyBudget
    spent: float
    remaining: float
    releases: list[PrivacyRelease]


def privacy_ledger_for_board(*, board: Board) -> list[LedgerView]:
    """Every budget period of a board with what was spent on which release, oldest first."""
    views = []
    for budget in PrivacyBudget.objects.filter(board=board).order_by("period_start"):
        spent = budget_spent(budget)
        views.append(
            LedgerView(
                budget=budget,
                spent=spent,
                remaining=max(budget.epsilon_total - spent, 0.0),
                releases=list(budget.releases.order_by("released_at", "id")),
            )
        )
    return views
