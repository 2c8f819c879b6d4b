"""Mastery rules: do all, m of n, n in a row; validated before use."""

from __future__ import annotations

import pytest

from terakoya.assessment.mastery import mastery_reached, rule_validate
from terakoya.core.errors import UserError


def test_do_all_needs_every_answer_correct():
    assert mastery_reached({"kind": "all"}, [True, True, True])
    assert not mastery_reached({"kind": "all"}, [True, None, True])
    assert not mastery_reached({"kind": "all"}, [])


def test_n_in_a_row_needs_an_unbroken_run():
    rule = {"kind": "streak", "n": 3}
    assert mastery_reached(rule, [False, True, True, True])
    assert not mastery_reached(rule, [True, True, False, True, True])


def test_m_of_n_counts_within_any_window_of_n():
    rule = {"kind": "m_of_n", "m": 3, "n": 4}
    assert mastery_reached(rule, [True, False, True, True])
    assert not mastery_reached(rule, [True, False, False, True, True])
    assert mastery_reached(rule, [True, False, False, True, True, True])


@pytest.mark.parametrize(
    "rule",
    [{"kind": "guess"}, {"kind": "m_of_n", "m": 5, "n": 3}, {"kind": "streak", "n": 0}, None],
)
def test_invalid_rules_are_refused(rule):
    with pytest.raises(UserError):
        rule_validate(rule)
