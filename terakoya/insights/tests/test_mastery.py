"""Drill mastery rules and the BKT estimate, each with its evidence."""

from __future__ import annotations

import pytest

from terakoya.insights.bkt import Params
from terakoya.insights.mastery import (
    Attempt,
    Rule,
    mastery_estimate,
    rule_do_all,
    rule_m_of_n,
    rule_streak,
)


def _attempts(pattern: str, items: str = "") -> list[Attempt]:
    """'1' right, '0' wrong; ids a0, a1, ...; optional one-letter item per attempt."""
    return [
        Attempt(id=f"a{i}", correct=ch == "1", item=items[i] if items else "")
        for i, ch in enumerate(pattern)
    ]


def test_do_all_needs_a_right_answer_on_every_item_and_names_the_first_on_each():
    attempts = _attempts("01101", items="xyxzy")
    verdict = rule_do_all(attempts, items=["x", "y", "z"])
    assert verdict.rule is Rule.DO_ALL
    assert not verdict.mastered
    assert verdict.missing == ("z",)
    assert verdict.evidence == ("a2", "a1")  # x first right at a2, y at a1
    assert (verdict.progress, verdict.required) == (2, 3)
    done = rule_do_all([*attempts, Attempt(id="a5", correct=True, item="z")], items="xyz")
    assert done.mastered
    assert done.evidence == ("a2", "a1", "a5")


def test_m_of_n_is_met_by_the_first_window_with_enough_right_answers():
    verdict = rule_m_of_n(_attempts("0101101"), m=3, n=4)
    assert verdict.mastered
    # Window a1..a4 = 1,0,1,1 is the first with three right.
    assert verdict.evidence == ("a1", "a3", "a4")


def test_m_of_n_counts_a_short_history_when_m_right_are_already_there():
    assert rule_m_of_n(_attempts("11"), m=2, n=5).mastered


def test_m_of_n_not_met_shows_the_best_window_so_far():
    verdict = rule_m_of_n(_attempts("1001001"), m=3, n=4)
    assert not verdict.mastered
    assert verdict.progress == 2
    assert verdict.evidence == ("a3", "a6")  # the latest of the windows with two right
    assert "2" in verdict.explanation_en


def test_m_of_n_refuses_impossible_settings():
    with pytest.raises(ValueError, match="m of n"):
        rule_m_of_n([], m=5, n=3)


def test_streak_is_met_by_the_first_run_of_n_right_in_a_row():
    verdict = rule_streak(_attempts("1101110111"), n=3)
    assert verdict.mastered
    assert verdict.evidence == ("a3", "a4", "a5")


def test_streak_not_met_shows_the_longest_run():
    verdict = rule_streak(_attempts("11011010"), n=3)
    assert not verdict.mastered
    assert verdict.evidence == ("a3", "a4")
    assert (verdict.progress, verdict.required) == (2, 3)


def test_no_attempts_meet_no_rule():
    assert not rule_streak([], n=1).mastered
    assert not rule_m_of_n([], m=1, n=1).mastered
    assert rule_streak([], n=1).evidence == ()


PARAMS = Params(p_init=0.5, p_transit=0.2, p_slip=0.1, p_guess=0.2)


def test_estimate_without_attempts_is_the_prior_and_says_so():
    estimate = mastery_estimate(PARAMS, [])
    assert estimate.rests_on_prior_only
    assert estimate.p_mastered == 0.5
    assert estimate.trace == ()


def test_estimate_traces_every_attempt_it_rests_on():
    # Hand-computed: after "right", filtered 9/11 then P(L1) = 47/55.
    estimate = mastery_estimate(PARAMS, _attempts("1"))
    assert estimate.n_attempts == 1
    step = estimate.trace[0]
    assert step.attempt_id == "a0"
    assert step.p_before == 0.5
    assert step.p_right == pytest.approx(0.55)
    assert step.p_after == pytest.approx(47 / 55)
    assert estimate.p_mastered == pytest.approx(47 / 55)
    longer = mastery_estimate(PARAMS, _attempts("101"))
    assert [s.attempt_id for s in longer.trace] == ["a0", "a1", "a2"]
    assert [s.p_before for s in longer.trace[1:]] == [s.p_after for s in longer.trace[:-1]]


def test_estimate_interval_comes_from_parameter_replicates_and_contains_the_estimate():
    replicates = [
        Params(p_init=0.4 + i * 0.02, p_transit=0.15 + i * 0.01, p_slip=0.1, p_guess=0.2)
        for i in range(10)
    ]
    estimate = mastery_estimate(PARAMS, _attempts("1101"), replicates=replicates, level=0.9)
    assert estimate.replicates == 10
    assert estimate.low < estimate.high
    assert estimate.low <= estimate.p_mastered <= estimate.high
    no_spread = mastery_estimate(PARAMS, _attempts("1101"))
    assert no_spread.low == no_spread.high == no_spread.p_mastered
