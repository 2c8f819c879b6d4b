"""Mastery per course-of-study code, explained: the drill's rules and a BKT estimate.

Both answers carry their evidence. A rule verdict names the attempts that satisfied it (or says
what is still missing); a BKT estimate lists every attempt it rests on with P(mastered) before
and after it, and an interval showing how far the figure would move if the skill's parameters
had been estimated from another sample of learners (a bootstrap over learners, see
docs/decisions/0202-mastery-uncertainty.md). Pure functions, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from terakoya.insights.bkt import Params


@dataclass(frozen=True)
class Attempt:
    """One scored attempt, in time order: an id to point back at, the item, right or wrong."""

    id: str
    correct: bool
    item: str = ""


class Rule(StrEnum):
    DO_ALL = "do_all"
    M_OF_N = "m_of_n"
    STREAK = "streak"


@dataclass(frozen=True)
class RuleVerdict:
    """Whether a drill's mastery rule is met, and the attempts that show it."""

    rule: Rule
    mastered: bool
    evidence: tuple[str, ...]  # attempt ids that satisfied the rule (or the best try so far)
    missing: tuple[str, ...]  # for do-all: items without a right answer yet
    progress: int  # how much of ``required`` is met
    required: int
    explanation_ja: str
    explanation_en: str


def rule_do_all(attempts: Sequence[Attempt], *, items: Sequence[str]) -> RuleVerdict:
    """Mastered when every item of the drill has been answered right at least once.

    Evidence: the first right attempt on each item.
    """
    if not items:
        raise ValueError("a do-all rule needs at least one item")
    first_right: dict[str, str] = {}
    for attempt in attempts:
        if attempt.correct and attempt.item in items and attempt.item not in first_right:
            first_right[attempt.item] = attempt.id
    wanted = list(dict.fromkeys(items))
    missing = tuple(item for item in wanted if item not in first_right)
    done = len(wanted) - len(missing)
    return RuleVerdict(
        rule=Rule.DO_ALL,
        mastered=not missing,
        evidence=tuple(first_right[item] for item in wanted if item in first_right),
        missing=missing,
        progress=done,
        required=len(wanted),
        explanation_ja=f"全{len(wanted)}問中{done}問に正解",
        explanation_en=f"{done} of {len(wanted)} items answered right",
    )


def rule_m_of_n(attempts: Sequence[Attempt], *, m: int, n: int) -> RuleVerdict:
    """Mastered once the last n attempts, at some point, held at least m right answers.

    Evidence: the right attempts of the first window that met the rule; when none has yet,
    those of the best window so far (the latest among equals).
    """
    if not 1 <= m <= n:
        raise ValueError("m of n needs 1 <= m <= n")
    best: tuple[int, int] = (0, 0)  # (rights, start)
    rights = 0
    for end, attempt in enumerate(attempts):
        rights += attempt.correct
        start = end - n + 1
        if start > 0:
            rights -= attempts[start - 1].correct
        start = max(start, 0)
        if rights >= best[0]:
            best = (rights, start)
        # Fewer than n attempts so far still count: m right among them is m of the last n.
        if rights >= m:
            window = attempts[start : end + 1]
            return _m_of_n_verdict(True, window, m, n, rights)
    if not attempts:
        return _m_of_n_verdict(False, (), m, n, 0)
    rights_best, start = best
    return _m_of_n_verdict(False, attempts[start : start + n], m, n, rights_best)


def _m_of_n_verdict(
    mastered: bool, window: Sequence[Attempt], m: int, n: int, rights: int
) -> RuleVerdict:
    return RuleVerdict(
        rule=Rule.M_OF_N,
        mastered=mastered,
        evidence=tuple(a.id for a in window if a.correct),
        missing=(),
        progress=min(rights, m),
        required=m,
        explanation_ja=f"連続する{n}回のうち{rights}回正解(必要{m}回)",
        explanation_en=f"{rights} right in {n} consecutive attempts ({m} needed)",
    )


def rule_streak(attempts: Sequence[Attempt], *, n: int) -> RuleVerdict:
    """Mastered once n attempts in a row are right.

    Evidence: the first such run; when none yet, the longest run so far (the latest among
    equals).
    """
    if n < 1:
        raise ValueError("a streak needs n >= 1")
    best: tuple[int, int] = (0, 0)  # (length, end index exclusive)
    run = 0
    for i, attempt in enumerate(attempts):
        run = run + 1 if attempt.correct else 0
        if run and run >= best[0]:
            best = (run, i + 1)
        if run == n:
            break
    length, end = best
    run_ids = tuple(a.id for a in attempts[end - length : end]) if length else ()
    return RuleVerdict(
        rule=Rule.STREAK,
        mastered=length >= n,
        evidence=run_ids,
        missing=(),
        progress=min(length, n),
        required=n,
        explanation_ja=f"連続正解{min(length, n)}回(必要{n}回)",
        explanation_en=f"{min(length, n)} right in a row ({n} needed)",
    )


@dataclass(frozen=True)
class TraceStep:
    """How one attempt moved the estimate."""

    attempt_id: str
    correct: bool
    p_before: float  # P(mastered) before the attempt
    p_right: float  # the model's P(right) before seeing it
    p_after: float  # P(mastered) after it, counting the chance this practice taught it


@dataclass(frozen=True)
class MasteryEstimate:
    """P(mastered) now, the attempts it rests on and how uncertain it is."""

    p_mastered: float
    low: float  # interval from the parameter bootstrap (equal to p_mastered without one)
    high: float
    level: float
    n_attempts: int
    trace: tuple[TraceStep, ...]
    params: Params
    replicates: int

    @property
    def rests_on_prior_only(self) -> bool:
        """No attempts yet: the figure is the skill's p_init, the same for every learner."""
        return self.n_attempts == 0


def _posterior_path(params: Params, attempts: Sequence[Attempt]) -> list[TraceStep]:
    steps: list[TraceStep] = []
    p = params.p_init
    for attempt in attempts:
        right_if_mastered = 1.0 - params.p_slip
        if attempt.correct:
            a, b = p * right_if_mastered, (1.0 - p) * params.p_guess
        else:
            a, b = p * params.p_slip, (1.0 - p) * (1.0 - params.p_guess)
        filtered = a / (a + b)
        after = filtered + (1.0 - filtered) * params.p_transit
        steps.append(
            TraceStep(
                attempt_id=attempt.id,
                correct=attempt.correct,
                p_before=p,
                p_right=p * right_if_mastered + (1.0 - p) * params.p_guess,
                p_after=after,
            )
        )
        p = after
    return steps


def mastery_estimate(
    params: Params,
    attempts: Sequence[Attempt],
    *,
    replicates: Sequence[Params] = (),
    level: float = 0.9,
) -> MasteryEstimate:
    """Estimate P(mastered) after ``attempts`` (time order) under a skill's parameters.

    The figure is Corbett and Anderson's P(L_n): the posterior after the last attempt plus the
    chance that attempt taught the skill. With bootstrap ``replicates`` of the parameters, the
    interval holds the central ``level`` share of the estimates they give.
    """
    trace = _posterior_path(params, attempts)
    p_now = trace[-1].p_after if trace else params.p_init
    low = high = p_now
    if replicates:
        values = sorted(
            (path[-1].p_after if path else rep.p_init)
            for rep in replicates
            for path in [_posterior_path(rep, attempts)]
        )
        tail = (1.0 - level) / 2.0
        low = min(quantile(values, tail), p_now)
        high = max(quantile(values, 1.0 - tail), p_now)
    return MasteryEstimate(
        p_mastered=p_now,
        low=low,
        high=high,
        level=level,
        n_attempts=len(attempts),
        trace=tuple(trace),
        params=params,
        replicates=len(replicates),
    )


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile of already sorted values."""
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)
