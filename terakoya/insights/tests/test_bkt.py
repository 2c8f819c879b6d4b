"""The BKT fit: forward filtering by hand, EM monotonicity, parameter recovery, bounds, AUC."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terakoya.insights import bkt


def _one_sequence(correct: list[int], params: bkt.Params) -> bkt.Forward:
    seqs = bkt.sequences_from_responses(
        skill=[0] * len(correct), learner=[7] * len(correct), correct=correct
    )
    return bkt.forward(seqs, params.as_array()[None, :])


def test_forward_filtering_matches_a_three_step_example_worked_by_hand():
    # L0 = 1/2, T = 1/5, S = 1/10, G = 1/5; responses right, wrong, right.
    # Step 1: P(right) = 1/2·9/10 + 1/2·1/5 = 11/20; filtered = (9/20)/(11/20) = 9/11;
    #         next prior = 9/11 + 2/11·1/5 = 47/55.
    # Step 2: P(wrong) = 47/55·1/10 + 8/55·4/5 = 111/550; filtered = (47/550)/(111/550) = 47/111;
    #         next prior = 47/111 + 64/111·1/5 = 299/555.
    # Step 3: P(right) = 299/555·9/10 + 256/555·1/5 = 3203/5550; filtered = 2691/3203.
    params = bkt.Params(p_init=0.5, p_transit=0.2, p_slip=0.1, p_guess=0.2)
    fwd = _one_sequence([1, 0, 1], params)
    expected_prior = [Fraction(1, 2), Fraction(47, 55), Fraction(299, 555)]
    expected_filtered = [Fraction(9, 11), Fraction(47, 111), Fraction(2691, 3203)]
    expected_scale = [Fraction(11, 20), Fraction(111, 550), Fraction(3203, 5550)]
    assert fwd.prior == pytest.approx([float(x) for x in expected_prior], abs=1e-12)
    assert fwd.filtered == pytest.approx([float(x) for x in expected_filtered], abs=1e-12)
    assert fwd.scale == pytest.approx([float(x) for x in expected_scale], abs=1e-12)
    assert fwd.predicted == pytest.approx([0.55, 1 - float(Fraction(111, 550)), 3203 / 5550])


def _brute_force_likelihood(correct: list[int], p: bkt.Params) -> float:
    """Sum over every hidden path (no forgetting) of P(path) · P(responses | path)."""
    total = 0.0
    for path in itertools.product([0, 1], repeat=len(correct)):
        if any(a == 1 and b == 0 for a, b in itertools.pairwise(path)):
            continue
        prob = p.p_init if path[0] else 1 - p.p_init
        for a, b in itertools.pairwise(path):
            prob *= 1.0 if a else (p.p_transit if b else 1 - p.p_transit)
        for state, right in zip(path, correct, strict=True):
            p_right = 1 - p.p_slip if state else p.p_guess
            prob *= p_right if right else 1 - p_right
        total += prob
    return total


def test_scaled_log_likelihood_equals_the_sum_over_all_hidden_paths():
    params = bkt.Params(p_init=0.3, p_transit=0.15, p_slip=0.08, p_guess=0.25)
    correct = [0, 1, 0, 0, 1, 1, 0, 1]
    fwd = _one_sequence(correct, params)
    assert np.log(fwd.scale).sum() == pytest.approx(
        math.log(_brute_force_likelihood(correct, params)), rel=1e-12
    )


def test_grouping_keeps_time_order_per_learner_and_skill_and_maps_back():
    skill = [1, 0, 1, 1, 0, 1]
    learner = [5, 5, 9, 5, 5, 5]
    correct = [1, 0, 0, 0, 1, 1]
    seqs = bkt.sequences_from_responses(skill=skill, learner=learner, correct=correct)
    assert seqs.n_sequences == 3
    assert list(seqs.lengths) == [3, 2, 1]  # longest first
    assert list(seqs.correct[seqs.response_index]) == correct
    # Learner 5 on skill 1 answered right, wrong, right: the first column, steps 0..2.
    first = [seqs.correct[seqs.offsets[t]] for t in range(3)]
    assert first == [1, 0, 1]
    assert seqs.skill[0] == 1
    assert seqs.learner_keys[seqs.learner[0]] == 5


def test_grouping_refuses_mismatched_or_invalid_input():
    with pytest.raises(ValueError, match="same length"):
        bkt.sequences_from_responses(skill=[0, 0], learner=[1], correct=[1, 0])
    with pytest.raises(ValueError, match="out of range"):
        bkt.sequences_from_responses(skill=[0, 3], learner=[1, 1], correct=[1, 0], n_skills=2)
    with pytest.raises(ValueError, match="0 or 1"):
        bkt.sequences_from_responses(skill=[0], learner=[1], correct=[2])


@pytest.fixture(scope="module")
def simulated() -> bkt.Simulated:
    truth = np.array([[0.3, 0.15, 0.1, 0.2], [0.5, 0.08, 0.05, 0.3], [0.2, 0.25, 0.15, 0.15]])
    return bkt.simulate(
        n_skills=3,
        n_learners=3000,
        min_length=8,
        max_length=12,
        rng=np.random.default_rng(42),
        truth=truth,
    )


def _seqs(sim: bkt.Simulated) -> bkt.Sequences:
    return bkt.sequences_from_responses(
        skill=sim.skill, learner=sim.learner, correct=sim.correct, n_skills=len(sim.truth)
    )


def test_em_recovers_the_parameters_it_was_simulated_from(simulated):
    result = bkt.fit(_seqs(simulated))
    assert result.converged
    error = np.abs(result.params - simulated.truth)
    assert error.max() < 0.04, error


def test_em_log_likelihood_never_decreases_across_iterations(simulated):
    result = bkt.fit(_seqs(simulated), tol=0.0, max_iter=60)
    steps = np.diff(result.history, axis=0)
    assert len(result.history) > 20  # ran until it stopped improving at all
    # Only floating-point noise may go the other way.
    assert (steps >= -1e-9 * np.abs(result.history[1:])).all()
    assert (result.history[-1] > result.history[0]).all()


def test_em_log_likelihood_also_never_decreases_when_the_bounds_bind():
    # Simulated with a guess of 0.7 (above the 0.5 bound): the clipped M-step must still climb.
    sim = bkt.simulate(
        n_skills=1,
        n_learners=400,
        min_length=5,
        max_length=8,
        rng=np.random.default_rng(3),
        truth=np.array([[0.2, 0.1, 0.05, 0.7]]),
    )
    result = bkt.fit(_seqs(sim), tol=0.0, max_iter=40)
    assert (np.diff(result.history, axis=0) >= -1e-9 * np.abs(result.history[1:])).all()
    assert result.params[0, 3] < 0.5
    assert result.params[0, 2] < 0.5


def test_fitted_parameters_stay_inside_the_identifiable_box(simulated):
    flipped = bkt.Simulated(
        skill=simulated.skill,
        learner=simulated.learner,
        correct=1.0 - simulated.correct,
        truth=simulated.truth,
    )
    result = bkt.fit(_seqs(flipped))
    bounds = bkt.Bounds()
    assert (result.params[:, 2] <= bounds.slip_max).all()
    assert (result.params[:, 3] <= bounds.guess_max).all()
    assert (result.params >= bounds.low).all()


def test_a_skill_without_responses_keeps_its_starting_point_and_counts_zero():
    seqs = bkt.sequences_from_responses(
        skill=[0, 0, 0, 0], learner=[1, 1, 2, 2], correct=[0, 1, 1, 1], n_skills=2
    )
    result = bkt.fit(seqs)
    assert list(result.n_responses) == [4, 0]
    assert result.params[1] == pytest.approx(bkt.DEFAULT_START.as_array())


def test_bootstrap_replicates_scatter_around_the_point_estimate(simulated):
    seqs = _seqs(simulated)
    point = bkt.fit(seqs)
    reps = bkt.bootstrap(seqs, point, replicates=5, rng=np.random.default_rng(1))
    assert reps.shape == (5, 3, 4)
    spread = reps.std(axis=0)
    assert (spread > 0).all()
    assert (np.abs(reps.mean(axis=0) - point.params) < 0.05).all()


def test_auc_equals_the_share_of_correctly_ordered_pairs_with_ties_counted_half():
    rng = np.random.default_rng(0)
    labels = rng.random(60) < 0.4
    scores = rng.integers(0, 5, 60).astype(float)  # many ties
    pos = scores[labels]
    neg = scores[~labels]
    pairs = [(p > n) + 0.5 * (p == n) for p in pos for n in neg]
    assert bkt.auc(labels, scores) == pytest.approx(sum(pairs) / len(pairs))
    with pytest.raises(ValueError, match="both outcomes"):
        bkt.auc([1, 1], [0.2, 0.3])


def test_running_proportion_shrinks_each_learners_share_right_towards_the_prior():
    seqs = bkt.sequences_from_responses(skill=[0, 0, 0], learner=[1, 1, 1], correct=[1, 1, 0])
    pred = bkt.running_proportion(seqs, np.array([0.5]), strength=2.0)
    assert pred == pytest.approx([0.5, 2 / 3, 3 / 4])


def test_fitted_model_predicts_held_out_learners_as_well_as_the_true_parameters(simulated):
    held_out = simulated.learner >= 2400
    train = bkt.sequences_from_responses(
        skill=simulated.skill[~held_out],
        learner=simulated.learner[~held_out],
        correct=simulated.correct[~held_out],
        n_skills=3,
    )
    test = bkt.sequences_from_responses(
        skill=simulated.skill[held_out],
        learner=simulated.learner[held_out],
        correct=simulated.correct[held_out],
        n_skills=3,
    )
    fitted = bkt.fit(train)
    ours = bkt.auc(test.correct, bkt.forward(test, fitted.params).predicted)
    truth = bkt.auc(test.correct, bkt.forward(test, simulated.truth).predicted)
    baseline = bkt.auc(test.correct, bkt.running_proportion(test, np.full(3, 0.6)))
    assert ours == pytest.approx(truth, abs=0.005)
    assert ours > baseline


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n_skills=st.integers(1, 4),
    n_learners=st.integers(1, 40),
    max_length=st.integers(1, 12),
)
def test_em_never_decreases_the_log_likelihood_on_any_small_data(
    seed, n_skills, n_learners, max_length
):
    rng = np.random.default_rng(seed)
    sim = bkt.simulate(
        n_skills=n_skills,
        n_learners=n_learners,
        min_length=1,
        max_length=max_length,
        rng=rng,
    )
    start = bkt.Params(*rng.uniform([0.05, 0.02, 0.02, 0.02], [0.9, 0.6, 0.45, 0.45]))
    result = bkt.fit(_seqs(sim), start=start, tol=0.0, max_iter=15)
    assert np.isfinite(result.history).all()
    steps = np.diff(result.history, axis=0)
    assert (steps >= -1e-9 * (1 + np.abs(result.history[1:]))).all()
