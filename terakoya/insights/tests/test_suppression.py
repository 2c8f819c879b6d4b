"""Small-cell suppression: nothing under 10 shown, and nothing hidden recoverable.

Every result is audited three ways by code independent of the module's own checks: no
relation with a single hidden entry; a floating-point rank test that no hidden entry is a
linear function of what is shown; and a linear programme (scipy's HiGHS) giving each hidden
entry's feasible interval over all non-negative tables that agree with everything shown.
The relations are those of tables with margins (totally unimodular), so the programme's
bounds are whole numbers and an interval wider than zero means at least two integer tables
fit what is published.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from terakoya.insights.suppression import (
    Constraint,
    Reason,
    Table,
    determined_entries,
    pinned_entries,
    school_entries,
    suppress,
    suppress_school,
    suppress_table,
    table_entries,
)


def _system(values, constraints, hidden):
    variables = sorted(hidden, key=repr)
    if not variables:
        return variables, np.zeros((0, 0)), np.zeros(0)
    index = {k: i for i, k in enumerate(variables)}
    rows, rhs = [], []
    for con in constraints:
        row = np.zeros(len(variables))
        known = 0
        for key, sign in [(con.total, 1), *[(p, -1) for p in con.parts]]:
            if key in index:
                row[index[key]] += sign
            else:
                known -= sign * values[key]
        if row.any():
            rows.append(row)
            rhs.append(known)
    return variables, np.array(rows).reshape(-1, len(variables)), np.array(rhs, float)


def feasible_intervals(values, constraints, hidden):
    """Each hidden entry's min and max over non-negative solutions agreeing with the shown."""
    variables, a, b = _system(values, constraints, hidden)
    out = {}
    for i, key in enumerate(variables):
        c = np.zeros(len(variables))
        c[i] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0
        assert hi.status in {0, 3}  # 3: unbounded, when every figure around it is hidden
        out[key] = (lo.fun, -hi.fun if hi.status == 0 else float("inf"))
    return out


def linearly_determined(values, constraints, hidden):
    """Hidden entries in the row space of the system (rank test with numpy)."""
    variables, a, _ = _system(values, constraints, hidden)
    rank = np.linalg.matrix_rank(a) if len(a) else 0
    found = set()
    for i, key in enumerate(variables):
        e = np.zeros((1, len(variables)))
        e[0, i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e]) if len(a) else e) == rank:
            found.add(key)
    return found


def assert_protected(values, constraints, result, threshold=10):
    hidden = result.hidden
    # 1. Nothing under the threshold is shown.
    assert all(k in hidden for k, v in values.items() if v < threshold)
    # 2. No relation gives away its only hidden entry by subtraction.
    for con in constraints:
        assert sum(k in hidden for k in con.members) != 1, con
    # 3. No combination of relations determines a hidden entry (independent rank test).
    assert not linearly_determined(values, constraints, hidden)
    # 4. Not even with non-negativity: every hidden entry could take another value.
    for key, (lo, hi) in feasible_intervals(values, constraints, hidden).items():
        assert lo <= values[key] <= hi
        assert hi - lo >= 1 - 1e-7, (key, lo, hi)


def test_a_class_of_nine_shows_no_per_class_figure_and_no_shown_figures_reveal_it():
    # Grade 4 has a class of nine; the school also publishes the grade table and totals.
    grades = {
        "3年": Table("3年", ("1組", "2組"), ("提出", "未提出"), ((24, 6), (21, 10))),
        "4年": Table("4年", ("1組", "2組", "3組"), ("提出", "未提出"), ((7, 2), (25, 8), (20, 11))),
        "5年": Table("5年", ("1組", "2組"), ("提出", "未提出"), ((30, 4), (27, 5))),
    }
    shown = suppress_school("学校", grades)
    grade4 = shown.grades["4年"]
    # No per-class figure for the class of nine: neither its size nor any of its cells.
    assert grade4.row_totals[0] is None
    assert grade4.cells[0] == (None, None)
    # The audit over every figure of the whole publication (school and grade tables).
    values, constraints, _ = school_entries("学校", grades)
    result = suppress(values, constraints)
    assert_protected(values, constraints, result)
    nine = ("4年", "row", 0)
    lo, hi = feasible_intervals(values, constraints, result.hidden)[nine]
    assert lo < 9 < hi or (lo <= 9 <= hi and hi - lo >= 1)
    # What is shown is still useful: the school total and the grade totals are published.
    assert shown.school.grand_total == sum(sum(map(sum, t.cells)) for t in grades.values())
    assert shown.school.row_totals == (61, 73, 66)


def test_shared_figures_are_hidden_or_shown_alike_in_the_school_and_grade_tables():
    grades = {
        "1年": Table("1年", ("1組", "2組"), ("a", "b", "c"), ((12, 3, 15), (14, 11, 10))),
        "2年": Table("2年", ("1組", "2組"), ("a", "b", "c"), ((20, 20, 20), (18, 12, 16))),
    }
    shown = suppress_school("学校", grades)
    for g_index, grade in enumerate(grades):
        assert shown.grades[grade].column_totals == shown.school.cells[g_index]
        assert shown.grades[grade].grand_total == shown.school.row_totals[g_index]
    values, constraints, _ = school_entries("学校", grades)
    assert_protected(values, constraints, suppress(values, constraints))


def test_a_table_without_small_cells_is_published_whole():
    table = Table("t", ("1組", "2組"), ("a", "b"), ((12, 30), (15, 22)))
    shown = suppress_table(table)
    assert shown.cells == ((12, 30), (15, 22))
    assert shown.row_totals == (42, 37)
    assert shown.grand_total == 79


def test_a_single_small_cell_takes_three_others_with_it_the_smallest_ones():
    table = Table(
        "t", ("r0", "r1", "r2"), ("a", "b", "c"), ((4, 30, 25), (12, 40, 18), (50, 11, 60))
    )
    values, constraints = table_entries(table)
    result = suppress(values, constraints)
    hidden_cells = {k[2:] for k in result.hidden if k[1] == "cell"}
    # The 4, the smallest other cell in its row (25) and column (12), and the cell closing
    # the rectangle (18), so each row and column has two hidden cells.
    assert hidden_cells == {(0, 0), (0, 2), (1, 0), (1, 2)}
    assert result.reasons[table.cell_key(0, 0)] is Reason.PRIMARY
    assert result.primary == {table.cell_key(0, 0)}
    assert not any(k[1] in {"row", "column", "all"} for k in result.hidden)
    assert_protected(values, constraints, result)


def test_hidden_parts_that_must_be_zero_are_protected_by_hiding_one_more():
    # x and y are hidden; the total (30) equals the shown z, so both would be known to be 0.
    values = {"t": 30, "x": 0, "y": 0, "z": 30}
    constraints = [Constraint("t", ("x", "y", "z"))]
    result = suppress(values, constraints)
    assert "z" in result.hidden or "t" in result.hidden
    assert_protected(values, constraints, result)


def test_a_combination_of_lines_is_caught_by_the_exact_rank_check():
    # t1 = a + b, t2 = a + c, t3 = b + c with a, b, c hidden: every line hides two entries,
    # yet a = (t1 + t2 - t3) / 2. The rank check sees it; the line rule alone would not.
    constraints = [
        Constraint("t1", ("a", "b")),
        Constraint("t2", ("a", "c")),
        Constraint("t3", ("b", "c")),
    ]
    assert determined_entries({"a", "b", "c"}, constraints) == {"a", "b", "c"}
    values = {"a": 3, "b": 14, "c": 15, "t1": 17, "t2": 18, "t3": 29}
    result = suppress(values, constraints)
    assert result.hidden == {"a", "b", "c", "t1"}
    assert result.reasons["t1"] is Reason.RANK
    assert_protected(values, constraints, result)


def test_bounds_from_non_negative_counts_are_caught_too():
    # Hidden grade figure g (≤ 10 since the school total is 10) holds a shown class of 10:
    # g is pinned to 10 and the other class to 0 though no line or rank rule fires.
    values = {"s": 10, "g": 10, "h": 0, "c1": 10, "c2": 0}
    constraints = [Constraint("s", ("g", "h")), Constraint("g", ("c1", "c2"))]
    assert pinned_entries(values, {"g", "h", "c2"}, constraints) == {"g", "h", "c2"}
    result = suppress(values, constraints)
    assert_protected(values, constraints, result)


def test_inconsistent_tables_are_refused():
    with pytest.raises(ValueError, match="not the sum"):
        suppress({"t": 5, "a": 2, "b": 2}, [Constraint("t", ("a", "b"))])
    with pytest.raises(ValueError, match="negative"):
        suppress({"t": 0, "a": 2, "b": -2}, [Constraint("t", ("a", "b"))])
    with pytest.raises(ValueError, match="rows × columns"):
        Table("t", ("a",), ("x", "y"), ((1,),))


cells = st.integers(min_value=0, max_value=40)


@st.composite
def tables(draw):
    n_rows = draw(st.integers(2, 4))
    n_cols = draw(st.integers(2, 4))
    rows = tuple(tuple(draw(cells) for _ in range(n_cols)) for _ in range(n_rows))
    return Table(
        "t", tuple(f"r{i}" for i in range(n_rows)), tuple(f"c{j}" for j in range(n_cols)), rows
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_any_small_table_is_protected(table):
    values, constraints = table_entries(table)
    assert_protected(values, constraints, suppress(values, constraints))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tables(), min_size=2, max_size=3))
def test_any_small_grade_class_hierarchy_is_protected(drawn):
    n_cols = len(drawn[0].columns)
    grades = {}
    for g, t in enumerate(drawn):
        cells_g = tuple(tuple((list(r) + [0] * n_cols)[:n_cols]) for r in t.cells)
        grades[f"{g + 1}年"] = Table(f"{g + 1}年", t.rows, drawn[0].columns, cells_g)
    values, constraints, _ = school_entries("s", grades)
    assert_protected(values, constraints, suppress(values, constraints))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.randoms(use_true_random=False))
def test_the_exact_rank_check_agrees_with_a_floating_point_rank_test(table, rnd):
    values, constraints = table_entries(table)
    keys = list(values)
    hidden = {k for k in keys if rnd.random() < 0.5}
    assert determined_entries(hidden, constraints) == linearly_determined(
        values, constraints, hidden
    )
