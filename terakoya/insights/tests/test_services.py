"""Fitting and storing mastery parameters; the differential-privacy budget ledger."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from terakoya.core.errors import UserError
from terakoya.insights import bkt, selectors, services
from terakoya.insights.mastery import Attempt
from terakoya.insights.models import PrivacyRelease, SkillFit
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.models import AuditEntry
from terakoya.roster import services as roster

CODE_A = "8260263111100000"
CODE_B = "8260263111200000"


def _responses(n_learners: int, code: str, seed: int) -> list[services.Response]:
    sim = bkt.simulate(
        n_skills=1,
        n_learners=n_learners,
        min_length=6,
        max_length=10,
        rng=np.random.default_rng(seed),
        truth=np.array([[0.3, 0.2, 0.1, 0.2]]),
    )
    return [
        services.Response(code=code, learner=f"learner-{le}", correct=bool(c))
        for le, c in zip(sim.learner, sim.correct, strict=True)
    ]


@pytest.mark.django_db
def test_a_fit_stores_inspectable_parameters_per_code_with_date_counts_and_likelihood():
    responses = _responses(200, CODE_A, 1) + _responses(6, CODE_B, 2)
    fits = services.skill_fit_run(actor=SYSTEM, responses=responses, replicates=4, seed=7)
    # The code practised by only six learners is not fitted: too few to be an aggregate.
    assert [f.code for f in fits] == [CODE_A]
    fit = SkillFit.objects.get(code=CODE_A)
    assert fit.n_learners == 200
    assert fit.n_responses == sum(r.code == CODE_A for r in responses)
    assert fit.log_likelihood < 0
    assert fit.fitted_at is not None
    assert fit.p_guess < 0.5
    assert fit.p_slip < 0.5
    assert len(fit.replicates) == 4
    assert AuditEntry.objects.filter(action="insights.skill_fit", count=1).exists()


@pytest.mark.django_db
def test_the_newest_fit_is_used_and_an_estimate_shows_its_attempts_and_interval():
    services.skill_fit_run(actor=SYSTEM, responses=_responses(60, CODE_A, 3), replicates=0)
    newer = services.skill_fit_run(
        actor=SYSTEM, responses=_responses(120, CODE_A, 4), replicates=8, seed=1
    )
    latest = selectors.skill_fit_latest(codes=[CODE_A, CODE_B])
    assert list(latest) == [CODE_A]
    assert latest[CODE_A].pk == newer[0].pk
    attempts = [Attempt(id=f"att-{i}", correct=bool(c)) for i, c in enumerate([0, 1, 1, 1])]
    estimate = selectors.mastery_for_attempts(fit=latest[CODE_A], attempts=attempts)
    assert [s.attempt_id for s in estimate.trace] == ["att-0", "att-1", "att-2", "att-3"]
    assert estimate.replicates == 8
    assert estimate.low <= estimate.p_mastered <= estimate.high
    assert estimate.low < estimate.high


@pytest.fixture
def board(db):
    return roster.board_create(name="予算市教育委員会", code="139998")


@pytest.fixture
def budget(board):
    return services.privacy_budget_create(
        actor=SYSTEM,
        board=board,
        epsilon_total=1.0,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
    )


def test_releases_are_charged_to_the_ledger_until_the_budget_is_exhausted(board, budget):
    day = dt.date(2026, 11, 27)
    first = services.dp_count_release(
        actor=SYSTEM, board=board, label="不登校児童数", true_count=120, epsilon=0.6, on=day
    )
    assert first.epsilon == pytest.approx(0.6)
    assert first.mechanism == "discrete_laplace"
    assert first.released[""] >= 0
    services.dp_count_release(
        actor=SYSTEM, board=board, label="長期欠席", true_count=40, epsilon=0.4, on=day
    )
    with pytest.raises(UserError) as refused:
        services.dp_count_release(
            actor=SYSTEM, board=board, label="三つ目", true_count=5, epsilon=0.1, on=day
        )
    assert refused.value.code == "budget_exhausted"
    assert PrivacyRelease.objects.count() == 2  # the refused release left nothing
    (ledger,) = selectors.privacy_ledger_for_board(board=board)
    assert ledger.spent == pytest.approx(1.0)
    assert ledger.remaining == pytest.approx(0.0)
    assert [r.label for r in ledger.releases] == ["不登校児童数", "長期欠席"]
    assert AuditEntry.objects.filter(action="insights.dp_release").count() == 2


def test_a_release_outside_any_budget_period_is_refused(board, budget):
    with pytest.raises(UserError) as refused:
        services.dp_count_release(
            actor=SYSTEM,
            board=board,
            label="x",
            true_count=5,
            epsilon=0.1,
            on=dt.date(2030, 1, 1),
        )
    assert refused.value.code == "no_budget"


def test_a_release_label_with_a_my_number_is_refused(board, budget):
    with pytest.raises(UserError):
        services.dp_count_release(
            actor=SYSTEM,
            board=board,
            label="番号 1234 5678 9018",
            true_count=5,
            epsilon=0.1,
            on=dt.date(2026, 11, 27),
        )
    assert PrivacyRelease.objects.count() == 0


def test_overlapping_budget_periods_are_refused(board, budget):
    with pytest.raises(UserError):
        services.privacy_budget_create(
            actor=SYSTEM,
            board=board,
            epsilon_total=2.0,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 12, 31),
        )


def test_a_table_of_disjoint_cells_costs_its_epsilon_once(board, budget):
    counts = {"小学校": 5200, "中学校": 2700, "義務教育学校": 300}
    release = services.dp_table_release(
        actor=SYSTEM,
        board=board,
        label="校種別児童生徒数",
        counts=counts,
        epsilon=0.5,
        on=dt.date(2026, 11, 27),
    )
    assert set(release.released) == set(counts)
    assert release.epsilon == pytest.approx(0.5)
    (ledger,) = selectors.privacy_ledger_for_board(board=board)
    assert ledger.spent == pytest.approx(0.5)
    # Noise of scale 2 keeps large counts close; the true figures are stored nowhere.
    assert all(abs(release.released[k] - v) < 60 for k, v in counts.items())
    stored = PrivacyRelease.objects.get(pk=release.pk)
    assert stored.released == release.released


@pytest.mark.django_db
def test_a_fit_without_responses_stores_nothing():
    assert services.skill_fit_run(actor=SYSTEM, responses=[], replicates=3) == []
    assert SkillFit.objects.count() == 0
