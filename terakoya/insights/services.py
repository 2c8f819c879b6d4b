"""Writes of the insights app: fitting mastery parameters and differentially private releases.

Each write is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Sum

from terakoya.assessment.models import Response as AssessmentResponse
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.insights import bkt
from terakoya.insights.dp import noisy_count, noisy_histogram
from terakoya.insights.models import PrivacyBudget, PrivacyRelease, SkillFit
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.guards import check_text
from terakoya.privacy.models import AuditOutcome
from terakoya.roster.models import Board

#: A skill is fitted only from this many learners or more: fewer would make the parameters
#: a description of a small, identifiable group (the same threshold as small-cell
#: suppression, docs/decisions/0203-small-cell-suppression.md).
MIN_LEARNERS = 10


@dataclass(frozen=True)
class Response:
    """One scored response to an item of a skill, in time order with the others."""

    code: str
    learner: str
    correct: bool


@transaction.atomic
def skill_fit_run(
    *,
    actor: AuditActor,
    responses: Sequence[Response],
    board: Board | None = None,
    replicates: int = 20,
    seed: int | None = None,
) -> list[SkillFit]:
    """Fit BKT parameters for every code in ``responses`` and store one SkillFit per code.

    Codes answered by fewer than MIN_LEARNERS learners are skipped. ``replicates`` bootstrap
    refits over learners give each later estimate its interval. Audited as
    ``insights.skill_fit``.
    """
    codes = sorted({r.code for r in responses})
    code_index = {code: i for i, code in enumerate(codes)}
    learner_index: dict[str, int] = {}
    skill = np.fromiter((code_index[r.code] for r in responses), np.int64, len(responses))
    learner = np.fromiter(
        (learner_index.setdefault(r.learner, len(learner_index)) for r in responses),
        np.int64,
        len(responses),
    )
    correct = np.fromiter((r.correct for r in responses), np.float64, len(responses))
    seqs = bkt.sequences_from_responses(
        skill=skill, learner=learner, correct=correct, n_skills=len(codes)
    )
    result = bkt.fit(seqs)
    reps = (
        bkt.bootstrap(seqs, result, replicates=replicates, rng=np.random.default_rng(seed))
        if replicates
        else np.zeros((0, len(codes), 4))
    )
    bounds = bkt.Bounds()
    now = clock.now()
    fits = [
        SkillFit(
            board=board,
            code=code,
            p_init=float(result.params[i, 0]),
            p_transit=float(result.params[i, 1]),
            p_slip=float(result.params[i, 2]),
            p_guess=float(result.params[i, 3]),
            fitted_at=now,
            n_responses=int(result.n_responses[i]),
            n_learners=int(result.n_sequences[i]),
            log_likelihood=float(result.log_likelihood[i]),
            iterations=result.iterations,
            converged=result.converged,
            replicates=[[round(float(x), 6) for x in reps[b, i]] for b in range(len(reps))],
            guess_max=bounds.guess_max,
            slip_max=bounds.slip_max,
        )
        for code, i in code_index.items()
        if result.n_sequences[i] >= MIN_LEARNERS
    ]
    SkillFit.objects.bulk_create(fits)
    audit_record(
        actor=actor,
        action="insights.skill_fit",
        outcome=AuditOutcome.CHANGED,
        purpose="instruction",
        target_type="insights.skillfit",
        count=len(fits),
    )
    return fits


def assessment_responses(*, board: Board) -> list[Response]:
    """Marked answers from the assessment app for every school of ``board``, as BKT input.

    One response per (answer, course-of-study code of its question), in the order answered;
    right means full marks (fraction 1). Answers not yet marked, and questions without a code,
    are left out. The learner key is the learner's UUID, used only to group a learner's
    answers: it is never stored with the fitted parameters.
    """
    rows = (
        AssessmentResponse.objects.filter(
            attempt__drill__school__board=board,
            fraction__isnull=False,
            answered_at__isnull=False,
        )
        .order_by("answered_at", "id")
        .values_list("attempt__learner__uuid", "question__codes", "fraction")
    )
    out: list[Response] = []
    for learner_uuid, codes, fraction in rows.iterator(chunk_size=5000):
        for code in codes or ():
            out.append(
                Response(
                    code=str(code), learner=str(learner_uuid), correct=(fraction or 0.0) >= 1 - 1e-9
                )
            )
    return out


@transaction.atomic
def skill_fit_for_board(
    *, actor: AuditActor, board: Board, replicates: int = 20, seed: int | None = None
) -> list[SkillFit]:
    """Fit every code answered in ``board``'s schools (see :func:`assessment_responses`).

    The read of the answers is audited as one aggregate entry (``insights.skill_fit.read``,
    with the number of answers), then the fit as ``insights.skill_fit``.
    """
    responses = assessment_responses(board=board)
    audit_record(
        actor=actor,
        action="insights.skill_fit.read",
        purpose="instruction",
        target_type="assessment.response",
        count=len(responses),
    )
    return skill_fit_run(
        actor=actor, responses=responses, board=board, replicates=replicates, seed=seed
    )


def skill_fit_for_board_code(
    *, actor: AuditActor, board_code: str, replicates: int = 20
) -> list[SkillFit]:
    """:func:`skill_fit_for_board` by 教育委員会コード; UserError when there is no such board."""
    board = Board.objects.filter(code=board_code).first()
    if board is None:
        raise UserError(
            f"教育委員会コード {board_code} の教育委員会がありません。",
            f"There is no board with the code {board_code}.",
            location="board",
        )
    return skill_fit_for_board(actor=actor, board=board, replicates=replicates)


@transaction.atomic
def privacy_budget_create(
    *,
    actor: AuditActor,
    board: Board,
    epsilon_total: float,
    period_start: dt.date,
    period_end: dt.date,
) -> PrivacyBudget:
    """Open a board's privacy budget for a period. Audited as ``insights.budget_create``."""
    if not epsilon_total > 0:
        raise UserError(
            "プライバシー予算(ε)は正の数で指定してください。",
            "The privacy budget (epsilon) must be a positive number.",
            location="epsilon_total",
        )
    if period_end < period_start:
        raise UserError(
            "期間の終わりが始まりより前です。",
            "The period ends before it starts.",
            location="period_end",
        )
    if PrivacyBudget.objects.filter(
        board=board, period_start__lte=period_end, period_end__gte=period_start
    ).exists():
        raise UserError(
            "この期間と重なるプライバシー予算がすでにあります。",
            "A privacy budget already covers part of this period.",
            location="period_start",
        )
    budget = PrivacyBudget.objects.create(
        board=board,
        epsilon_total=epsilon_total,
        period_start=period_start,
        period_end=period_end,
    )
    audit_record(
        actor=actor,
        action="insights.budget_create",
        outcome=AuditOutcome.CHANGED,
        purpose="aggregate_statistics",
        target_type="insights.privacybudget",
        target_uuid=budget.uuid,
    )
    return budget


def budget_spent(budget: PrivacyBudget) -> float:
    """Epsilon spent so far: releases compose sequentially, so their epsilons add up."""
    total = budget.releases.aggregate(total=Sum("epsilon"))["total"]
    return float(total or 0.0)


def _charge(*, board: Board, epsilon: float, day: dt.date) -> PrivacyBudget:
    """Lock the board's budget for ``day`` and refuse if ``epsilon`` does not fit in it."""
    budget = (
        PrivacyBudget.objects.select_for_update()
        .filter(board=board, period_start__lte=day, period_end__gte=day)
        .first()
    )
    if budget is None:
        raise UserError(
            "この教育委員会には、この日に有効なプライバシー予算がありません。",
            "This board has no privacy budget for this date.",
            code="no_budget",
        )
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise UserError(
            "εは正の数で指定してください。",
            "Epsilon must be a positive number.",
            location="epsilon",
        )
    spent = budget_spent(budget)
    if spent + epsilon > budget.epsilon_total * (1 + 1e-12):
        left = budget.epsilon_total - spent
        raise UserError(
            f"プライバシー予算が足りません(残りε={left:.4g}、要求ε={epsilon:.4g})。",
            f"The privacy budget is exhausted (ε left {left:.4g}, asked {epsilon:.4g}).",
            code="budget_exhausted",
            location="epsilon",
        )
    return budget


def _record_release(
    *,
    actor: AuditActor,
    budget: PrivacyBudget,
    label: str,
    epsilon: float,
    mechanism: str,
    scale: float,
    released: dict[str, int],
) -> PrivacyRelease:
    release = PrivacyRelease.objects.create(
        budget=budget,
        label=label[:200],
        epsilon=epsilon,
        mechanism=mechanism,
        scale=scale,
        released=released,
        released_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="insights.dp_release",
        outcome=AuditOutcome.CHANGED,
        purpose="aggregate_statistics",
        target_type="insights.privacyrelease",
        target_uuid=release.uuid,
    )
    return release


@transaction.atomic
def dp_count_release(
    *,
    actor: AuditActor,
    board: Board,
    label: str,
    true_count: int,
    epsilon: float,
    on: dt.date | None = None,
) -> PrivacyRelease:
    """Release a board-level count with ε-differential privacy and charge the board's budget.

    Refuses (UserError, nothing recorded) when no budget covers ``on`` or when the release
    would take the spent epsilon past the budget. The budget row is locked while checking,
    so two concurrent releases cannot both spend the last of it. Audited as
    ``insights.dp_release``; the true count is stored nowhere.
    """
    check_text(label, location="label")
    budget = _charge(board=board, epsilon=epsilon, day=on or clock.today())
    noisy = noisy_count(true_count, epsilon=epsilon)
    return _record_release(
        actor=actor,
        budget=budget,
        label=label,
        epsilon=noisy.epsilon,
        mechanism=noisy.mechanism,
        scale=noisy.scale,
        released={"": noisy.value},
    )


@transaction.atomic
def dp_table_release(
    *,
    actor: AuditActor,
    board: Board,
    label: str,
    counts: dict[str, int],
    epsilon: float,
    on: dt.date | None = None,
) -> PrivacyRelease:
    """Release counts of disjoint cells (each learner in one cell) for ε in total.

    As :func:`dp_count_release`, one ledger line for the whole table (parallel composition).
    """
    check_text(label, location="label")
    for cell in counts:
        check_text(cell, location="counts")
    budget = _charge(board=board, epsilon=epsilon, day=on or clock.today())
    noisy = noisy_histogram(counts, epsilon=epsilon)
    return _record_release(
        actor=actor,
        budget=budget,
        label=label,
        epsilon=noisy.epsilon,
        mechanism=noisy.mechanism,
        scale=noisy.scale,
        released=noisy.values,
    )
