"""Bayesian knowledge tracing: a vectorised EM (Baum–Welch) fit and forward filtering.

The model (Corbett & Anderson 1995), per skill, two hidden states (not mastered / mastered),
no forgetting:

- ``p_init`` (L0): P(mastered) before the first attempt;
- ``p_transit`` (T): P(not mastered → mastered) after each attempt;
- ``p_slip`` (S): P(wrong | mastered);
- ``p_guess`` (G): P(right | not mastered).

Everything here is pure numpy on float64, with no Django: the fit works on every sequence of
every skill at once. Sequences are laid out time-major (``steps × sequences``) and sorted by
length, longest first, so that at step ``t`` the sequences still running are a prefix of the
columns and each recursion step is a handful of vector operations on a slice. Forward–backward
runs in scaled form (filtered probabilities and scaled backward messages), so nothing
underflows however long a sequence is.

The M-step maximises each parameter's expected complete-data log-likelihood inside a box
(``Bounds``): each of those terms is a concave function of one parameter, so clipping the
unconstrained maximiser to the box is the constrained maximiser and the log-likelihood still
never decreases (see docs/decisions/0201-bkt-identifiability.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Column order of a parameter matrix (skills × 4).
PARAMETER_NAMES = ("p_init", "p_transit", "p_slip", "p_guess")


@dataclass(frozen=True)
class Params:
    """One skill's parameters."""

    p_init: float
    p_transit: float
    p_slip: float
    p_guess: float

    def as_array(self) -> FloatArray:
        return np.array([self.p_init, self.p_transit, self.p_slip, self.p_guess], np.float64)

    @classmethod
    def from_array(cls, row: FloatArray) -> Params:
        return cls(float(row[0]), float(row[1]), float(row[2]), float(row[3]))


@dataclass(frozen=True)
class Bounds:
    """The box the parameters are kept in.

    Guess and slip stay below one half: then P(right | mastered) = 1 − S > ½ > G, so the two
    states cannot swap meaning (a "mastered" state that answers worse than the unmastered one)
    and the model stays identifiable. The small margins keep logarithms finite.
    """

    low: float = 1e-4
    high: float = 1.0 - 1e-4
    slip_max: float = 0.5 - 1e-3
    guess_max: float = 0.5 - 1e-3

    def clip(self, params: FloatArray) -> FloatArray:
        out = np.clip(params, self.low, self.high)
        out[:, 2] = np.minimum(out[:, 2], self.slip_max)
        out[:, 3] = np.minimum(out[:, 3], self.guess_max)
        return out


#: A customary starting point (mid-range learning, low guess and slip).
DEFAULT_START = Params(p_init=0.3, p_transit=0.1, p_slip=0.1, p_guess=0.2)


@dataclass(frozen=True)
class Sequences:
    """Responses grouped into one sequence per (skill, learner), time-major and packed.

    Sequences (columns) are sorted by length, longest first, so the ones with a response at
    step t are columns ``0..active[t]-1`` and step t occupies the contiguous slice
    ``offsets[t]:offsets[t+1]`` of the packed arrays: no padding, no masks.
    ``response_index[j]`` is where input response j landed in the packed arrays.
    """

    correct: FloatArray  # (n_responses,) packed, 0/1
    offsets: IntArray  # (steps + 1,)
    active: IntArray  # (steps,)
    lengths: IntArray  # (n_seq,) decreasing
    skill: IntArray  # (n_seq,)
    learner: IntArray  # (n_seq,) learner index 0..n_learners-1
    learner_keys: IntArray  # (n_learners,) the caller's learner keys
    n_skills: int
    response_index: IntArray  # (n_responses,)
    column: IntArray  # (n_responses,) column of each packed entry
    rights: FloatArray  # (n_seq,) right responses per sequence

    @property
    def n_responses(self) -> int:
        return len(self.correct)

    @property
    def n_sequences(self) -> int:
        return len(self.lengths)

    @property
    def steps(self) -> int:
        return len(self.active)

    def responses_per_skill(self) -> IntArray:
        return np.bincount(self.skill, weights=self.lengths, minlength=self.n_skills).astype(
            np.int64
        )

    def last_index(self) -> IntArray:
        """Packed index of each sequence's last response."""
        return self.offsets[self.lengths - 1] + np.arange(self.n_sequences)


def sequences_from_responses(
    *,
    skill: npt.ArrayLike,
    learner: npt.ArrayLike,
    correct: npt.ArrayLike,
    n_skills: int | None = None,
) -> Sequences:
    """Group flat responses (in time order) into per-(skill, learner) sequences.

    ``skill`` holds skill indices 0..n_skills-1, ``learner`` any integer learner keys and
    ``correct`` 0/1; the input order is the time order within each learner and skill.
    Raises ValueError on arrays of different lengths or skill indices out of range.
    """
    skill_a = np.asarray(skill, dtype=np.int64)
    correct_a = np.asarray(correct, dtype=np.float64)
    learner_raw = np.asarray(learner, dtype=np.int64)
    size = len(skill_a)
    if not (size == len(learner_raw) == len(correct_a)):
        raise ValueError("skill, learner and correct must have the same length")
    k = int(n_skills if n_skills is not None else (skill_a.max() + 1 if size else 0))
    if size and (skill_a.min() < 0 or skill_a.max() >= k):
        raise ValueError("a skill index is out of range")
    if size and not np.all((correct_a == 0) | (correct_a == 1)):
        raise ValueError("correct must be 0 or 1")
    learner_keys, learner_a = _factorise(learner_raw)
    n_learners = max(len(learner_keys), 1)
    # One stable sort by (skill, learner) groups the sequences and keeps each in time order.
    key = skill_a * n_learners + learner_a
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    is_start = np.ones(size, bool)
    is_start[1:] = sorted_key[1:] != sorted_key[:-1]
    starts = np.flatnonzero(is_start)
    n_seq = len(starts)
    seq_sorted = np.cumsum(is_start) - 1
    counts = np.diff(np.append(starts, size)).astype(np.int64)
    seq_keys = sorted_key[starts]
    # Longest first, so the sequences still running at step t are the first active[t] columns.
    by_length = np.argsort(-counts, kind="stable")
    column_of_seq = np.empty(n_seq, np.int64)
    column_of_seq[by_length] = np.arange(n_seq)
    lengths = counts[by_length]
    step = np.empty(size, np.int64)
    step[order] = np.arange(size) - starts[seq_sorted]
    column = np.empty(size, np.int64)
    column[order] = column_of_seq[seq_sorted]
    steps = int(lengths[0]) if n_seq else 0
    # On the negated (increasing) lengths, searchsorted counts the lengths that exceed t.
    active = np.searchsorted(-lengths, -np.arange(steps), side="left").astype(np.int64)
    offsets = np.zeros(steps + 1, np.int64)
    offsets[1:] = np.cumsum(active)
    response_index = offsets[step] + column
    packed = np.empty(size, np.float64)
    packed[response_index] = correct_a
    return Sequences(
        correct=packed,
        offsets=offsets,
        active=active,
        lengths=lengths,
        skill=(seq_keys // n_learners)[by_length].astype(np.int64),
        learner=(seq_keys % n_learners)[by_length].astype(np.int64),
        learner_keys=learner_keys.astype(np.int64),
        n_skills=k,
        response_index=response_index.astype(np.int64),
        column=np.arange(size, dtype=np.int64) - np.repeat(offsets[:-1], active),
        rights=np.bincount(column, weights=correct_a, minlength=n_seq).astype(np.float64),
    )


def _factorise(keys: IntArray) -> tuple[IntArray, IntArray]:
    """Distinct keys (sorted) and each key's index among them; O(n) for compact keys."""
    if len(keys) and keys.min() >= 0 and keys.max() < 4 * len(keys) + 1024:
        present = np.zeros(int(keys.max()) + 1, bool)
        present[keys] = True
        lookup = np.cumsum(present) - 1
        return np.flatnonzero(present).astype(np.int64), lookup[keys].astype(np.int64)
    distinct, index = np.unique(keys, return_inverse=True)
    return distinct.astype(np.int64), index.astype(np.int64)


@dataclass(frozen=True)
class Forward:
    """Forward pass, packed like the sequences.

    ``prior``: P(mastered) before each response; ``filtered``: after seeing it;
    ``scale``: P(this response | earlier ones); ``predicted``: P(right | earlier ones).
    """

    prior: FloatArray
    filtered: FloatArray
    scale: FloatArray
    predicted: FloatArray


def _per_column(seqs: Sequences, params: FloatArray) -> tuple[FloatArray, ...]:
    cols = params[seqs.skill]
    return cols[:, 0], cols[:, 1], cols[:, 2], cols[:, 3]


def _emissions(
    seqs: Sequences, slip: FloatArray, guess: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """P(response | mastered) and P(response | not mastered) for every packed response."""
    column = seqs.column
    s = slip[column]
    g = guess[column]
    c = seqs.correct
    e1 = s + c * (1.0 - 2.0 * s)  # right: 1 - S, wrong: S
    e0 = (1.0 - g) + c * (2.0 * g - 1.0)  # right: G, wrong: 1 - G
    return e1, e0


def forward(seqs: Sequences, params: FloatArray) -> Forward:
    """Run forward filtering for every sequence with per-skill ``params`` (skills × 4)."""
    p_init, p_transit, slip, guess = _per_column(seqs, params)
    e1, e0 = _emissions(seqs, slip, guess)
    n_resp = seqs.n_responses
    prior = np.empty(n_resp)
    filtered = np.empty(n_resp)
    scale = np.empty(n_resp)
    p = p_init.copy()
    for t in range(seqs.steps):
        lo, hi = int(seqs.offsets[t]), int(seqs.offsets[t + 1])
        n = hi - lo
        pt = p[:n]
        a = pt * e1[lo:hi]
        c = a + (1.0 - pt) * e0[lo:hi]
        f = a / c
        prior[lo:hi] = pt
        filtered[lo:hi] = f
        scale[lo:hi] = c
        p[:n] = f + (1.0 - f) * p_transit[:n]
    column = seqs.column
    predicted = prior * (1.0 - slip[column]) + (1.0 - prior) * guess[column]
    return Forward(prior=prior, filtered=filtered, scale=scale, predicted=predicted)


@dataclass(frozen=True)
class FitResult:
    """Fitted parameters per skill with what a teacher needs to judge them."""

    params: FloatArray  # (n_skills, 4)
    log_likelihood: FloatArray  # (n_skills,) at the returned parameters
    history: FloatArray  # (iterations + 1, n_skills) log-likelihood before each M-step
    iterations: int
    converged: bool
    n_responses: IntArray  # (n_skills,)
    n_sequences: IntArray  # (n_skills,)


def _e_step(
    seqs: Sequences, params: FloatArray, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Expected sufficient statistics per skill (skills × 8) and log-likelihood per skill.

    Works on slices only: at step t the running sequences are columns 0..n-1, so the
    per-column parameters are plain prefixes (no gathers) and the per-sequence sums are
    accumulated in place; only the filtered probabilities and scales are kept per response.
    """
    p_init, p_transit, slip, guess = _per_column(seqs, params)
    n_seq = seqs.n_sequences
    correct = seqs.correct
    offsets = seqs.offsets
    filtered = np.empty(seqs.n_responses)
    scale = np.empty(seqs.n_responses)
    right_m = 1.0 - 2.0 * slip  # e1 = S + c·(1 − 2S): right → 1 − S, wrong → S
    right_u = 2.0 * guess - 1.0  # e0 = (1 − G) + c·(2G − 1): right → G, wrong → 1 − G
    miss_u = 1.0 - guess
    loglik = np.zeros(n_seq)
    p = p_init.copy()
    for t in range(seqs.steps):
        lo, hi = int(offsets[t]), int(offsets[t + 1])
        n = hi - lo
        c = correct[lo:hi]
        pt = p[:n]
        a = pt * (slip[:n] + c * right_m[:n])
        z = a + (1.0 - pt) * (miss_u[:n] + c * right_u[:n])
        f = a / z
        filtered[lo:hi] = f
        scale[lo:hi] = z
        loglik[:n] += np.log(z)
        p[:n] = f + (1.0 - f) * p_transit[:n]

    # Backward, scaled: P(mastered at t | all) = filtered × b1; b1, b0 the scaled messages.
    b0 = np.ones(n_seq)
    b1 = np.ones(n_seq)
    xi01 = np.zeros(n_seq)
    sum_g1 = np.zeros(n_seq)
    sum_g1c = np.zeros(n_seq)
    g1_last = np.zeros(n_seq)
    g1_first = np.zeros(n_seq)
    n_after = 0
    for t in range(seqs.steps - 1, -1, -1):
        lo, hi = int(offsets[t]), int(offsets[t + 1])
        n = hi - lo
        c = correct[lo:hi]
        g = filtered[lo:hi] * b1[:n]
        sum_g1[:n] += g
        sum_g1c[:n] += g * c
        g1_last[n_after:n] = g[n_after:n]  # the sequences whose last step is t
        n_after = n
        if t == 0:
            g1_first[:] = g
            break
        z = scale[lo:hi]
        w1 = (slip[:n] + c * right_m[:n]) * b1[:n] / z
        w0 = (miss_u[:n] + c * right_u[:n]) * b0[:n] / z
        tr = p_transit[:n]
        plo = int(offsets[t - 1])
        xi01[:n] += (1.0 - filtered[plo : plo + n]) * tr * w1
        b0[:n] = (1.0 - tr) * w0 + tr * w1
        b1[:n] = w1

    sum_c = seqs.rights
    lengths = seqs.lengths.astype(np.float64)
    per_seq = (
        g1_first,  # P(mastered at the first response)
        np.ones(n_seq),
        xi01,  # expected learning transitions
        (lengths - sum_g1) - (1.0 - g1_last),  # expected unmastered steps with a successor
        sum_g1 - sum_g1c,  # slips: mastered and wrong
        sum_g1,
        sum_c - sum_g1c,  # guesses: unmastered and right
        lengths - sum_g1,
    )
    k = seqs.n_skills
    stats = np.zeros((k, 8))
    for i, values in enumerate(per_seq):
        stats[:, i] = np.bincount(seqs.skill, weights=values * weights, minlength=k)
    ll = np.bincount(seqs.skill, weights=loglik * weights, minlength=k).astype(np.float64)
    return stats, ll


def _m_step(stats: FloatArray, old: FloatArray, bounds: Bounds) -> FloatArray:
    num = stats[:, [0, 2, 4, 6]]
    den = stats[:, [1, 3, 5, 7]]
    new = old.copy()
    ok = den > 1e-12
    new[ok] = num[ok] / den[ok]
    return bounds.clip(new)


def fit(
    seqs: Sequences,
    *,
    start: FloatArray | Params | None = None,
    bounds: Bounds | None = None,
    max_iter: int = 200,
    tol: float = 1e-6,
    weights: FloatArray | None = None,
) -> FitResult:
    """Fit every skill's parameters by EM at once.

    Stops when no skill's log-likelihood per response improves by more than ``tol`` (or after
    ``max_iter`` M-steps). ``weights`` (one per learner) weight each learner's sequences, which
    is how the bootstrap resamples learners without copying data.
    """
    bounds = bounds or Bounds()
    k = seqs.n_skills
    if start is None:
        start = DEFAULT_START
    if isinstance(start, Params):
        params = np.tile(start.as_array(), (k, 1))
    else:
        params = np.array(start, dtype=np.float64).reshape(k, 4)
    params = bounds.clip(params)
    seq_weights = (
        np.ones(seqs.n_sequences) if weights is None else np.asarray(weights)[seqs.learner]
    )
    n_resp = np.bincount(seqs.skill, weights=seqs.lengths * seq_weights, minlength=k)
    per_response = np.maximum(n_resp, 1.0)
    history: list[FloatArray] = []
    converged = False
    iterations = 0
    while True:
        stats, ll = _e_step(seqs, params, seq_weights)
        history.append(ll)
        if len(history) > 1 and np.all((ll - history[-2]) / per_response < tol):
            converged = True
            break
        if iterations >= max_iter:
            break
        params = _m_step(stats, params, bounds)
        iterations += 1
    return FitResult(
        params=params,
        log_likelihood=history[-1],
        history=np.array(history),
        iterations=iterations,
        converged=converged,
        n_responses=seqs.responses_per_skill(),
        n_sequences=np.bincount(seqs.skill, minlength=k).astype(np.int64),
    )


def running_proportion(seqs: Sequences, prior: FloatArray, strength: float = 2.0) -> FloatArray:
    """Baseline prediction: each learner's share right so far on the skill, shrunk to a prior.

    P(right at step t) = (strength × prior[skill] + rights before t) / (strength + t),
    packed like the sequences.
    """
    prior_col = np.asarray(prior, dtype=np.float64)[seqs.skill]
    out = np.empty(seqs.n_responses)
    rights = np.zeros(seqs.n_sequences)
    for t in range(seqs.steps):
        lo, hi = int(seqs.offsets[t]), int(seqs.offsets[t + 1])
        n = hi - lo
        out[lo:hi] = (strength * prior_col[:n] + rights[:n]) / (strength + t)
        rights[:n] += seqs.correct[lo:hi]
    return out


def auc(labels: npt.ArrayLike, scores: npt.ArrayLike) -> float:
    """Area under the ROC curve by the rank-sum (Mann–Whitney U) statistic, ties averaged."""
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both outcomes")
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    # Average rank (1-based) of each run of tied scores.
    boundaries = np.flatnonzero(np.diff(sorted_s)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(s)]))
    run_rank = (starts + ends + 1) / 2.0
    ranks = np.empty(len(s))
    ranks[order] = np.repeat(run_rank, ends - starts)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


@dataclass(frozen=True)
class Simulated:
    """Responses simulated from known parameters, in time order per learner."""

    skill: IntArray
    learner: IntArray
    correct: FloatArray
    truth: FloatArray  # (n_skills, 4)


def simulate(
    *,
    n_skills: int,
    n_learners: int,
    min_length: int,
    max_length: int,
    rng: np.random.Generator,
    truth: FloatArray | None = None,
) -> Simulated:
    """Simulate every learner practising every skill ``min_length..max_length`` times.

    Parameters are drawn per skill unless ``truth`` (skills × 4) is given.
    """
    if truth is None:
        truth = np.column_stack(
            [
                rng.uniform(0.1, 0.6, n_skills),  # p_init
                rng.uniform(0.05, 0.3, n_skills),  # p_transit
                rng.uniform(0.05, 0.2, n_skills),  # p_slip
                rng.uniform(0.1, 0.3, n_skills),  # p_guess
            ]
        )
    lengths = rng.integers(min_length, max_length + 1, size=n_learners * n_skills)
    seq_skill = np.tile(np.arange(n_skills), n_learners)
    seq_learner = np.repeat(np.arange(n_learners), n_skills)
    mastered = rng.random(len(lengths)) < truth[seq_skill, 0]
    out_skill, out_learner, out_correct = [], [], []
    for t in range(int(lengths.max())):
        idx = np.flatnonzero(lengths > t)
        sk = seq_skill[idx]
        right = np.where(
            mastered[idx],
            rng.random(len(idx)) >= truth[sk, 2],
            rng.random(len(idx)) < truth[sk, 3],
        )
        out_skill.append(sk)
        out_learner.append(seq_learner[idx])
        out_correct.append(right)
        mastered[idx] |= rng.random(len(idx)) < truth[sk, 1]
    return Simulated(
        skill=np.concatenate(out_skill).astype(np.int64),
        learner=np.concatenate(out_learner).astype(np.int64),
        correct=np.concatenate(out_correct).astype(np.float64),
        truth=truth,
    )


def bootstrap(
    seqs: Sequences,
    point: FitResult,
    *,
    replicates: int,
    rng: np.random.Generator,
    max_iter: int = 50,
) -> FloatArray:
    """Refit on learners resampled with replacement; returns (replicates, n_skills, 4).

    Each replicate weights every learner by how often they were drawn (a multinomial draw),
    so no data is copied, and starts from the point estimate so it converges in few steps.
    """
    out = np.empty((replicates, seqs.n_skills, 4))
    n = len(seqs.learner_keys)
    if n == 0:
        out[:] = point.params
        return out
    for b in range(replicates):
        weights = rng.multinomial(n, np.full(n, 1.0 / n)).astype(np.float64)
        out[b] = fit(seqs, start=point.params, weights=weights, max_iter=max_iter).params
    return out
