"""Small-cell suppression for aggregates that leave a school (DESIGN §4).

No figure under 10 is shown (primary suppression), and enough other figures are hidden that
no hidden one can be worked out from what is shown (complementary suppression). A published
table is a set of figures tied by additive relations: a row total is the sum of its cells, a
grade's figure is the sum of its classes' figures, and so on. Here every figure is an *entry*
(any hashable key) and every relation a :class:`Constraint` ``total = sum(parts)``, so a
flat table, a table with margins and a grade → class hierarchy are all the same problem.

The fixed point, in order, repeated until nothing changes:

1. **Lines**: a relation with exactly one hidden entry gives it away by subtraction, so one
   more of its entries is hidden: a part rather than the total, preferring an entry whose
   other relations also have a single hidden entry (one choice mends two lines), then the
   smallest figure (the least information lost).
2. **Bounds**: counts are never negative, so the shown figures bound each hidden one (hidden
   parts that must add up to 0 are each 0; a shown class cell of 10 inside a hidden grade
   figure of at most 10 pins it); interval propagation finds an entry whose bounds meet and
   one of the nearest shown entries is hidden.
3. **Rank**: across all relations together a hidden entry can still be determined (a
   combination of several lines); an exact integer elimination finds such an entry and one of
   the nearest shown entries is hidden. Checked last, as it is the costly one.

Hidden entries only ever grow, so the loop ends. Pure functions, no Django; see
docs/decisions/0203-small-cell-suppression.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog

# Any hashable value names an entry: tuples for table cells, strings in small examples. (Any
# rather than Hashable: Mapping is invariant in its key type.)
Key = Any

#: The minimum cell size (US NCES practice; Japan's NDB guideline uses the same 10).
THRESHOLD = 10


@dataclass(frozen=True)
class Constraint:
    """``values[total] == sum(values[p] for p in parts)``."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


class Reason(StrEnum):
    PRIMARY = "primary"  # under the threshold
    LINE = "line"  # the only other hidden entry of a relation
    BOUNDS = "bounds"  # counts are never negative: bounds would pin a hidden entry
    RANK = "rank"  # a combination of relations would determine a hidden entry


@dataclass(frozen=True)
class Suppressed:
    """The outcome: which entries are hidden and why; ``shown(key)`` gives what may be shown."""

    values: Mapping[Key, int]
    hidden: frozenset[Key]
    reasons: Mapping[Key, Reason] = field(default_factory=dict)

    def shown(self, key: Key) -> int | None:
        return None if key in self.hidden else self.values[key]

    @property
    def primary(self) -> frozenset[Key]:
        return frozenset(k for k, r in self.reasons.items() if r is Reason.PRIMARY)


def check_consistent(values: Mapping[Key, int], constraints: Sequence[Constraint]) -> None:
    """Raise ValueError when a value is negative or missing or a relation does not add up."""
    for key, value in values.items():
        if value < 0:
            raise ValueError(f"negative count at {key!r}")
    for con in constraints:
        for key in con.members:
            if key not in values:
                raise ValueError(f"constraint refers to unknown entry {key!r}")
        if values[con.total] != sum(values[p] for p in con.parts):
            raise ValueError(f"{con.total!r} is not the sum of its parts")


def suppress(
    values: Mapping[Key, int],
    constraints: Sequence[Constraint],
    *,
    threshold: int = THRESHOLD,
) -> Suppressed:
    """Hide every entry under ``threshold`` and enough others that none can be recovered.

    Raises ValueError on inconsistent input (see :func:`check_consistent`).
    """
    check_consistent(values, constraints)
    order = {key: i for i, key in enumerate(values)}  # deterministic tie-breaks
    reasons: dict[Key, Reason] = {k: Reason.PRIMARY for k in values if values[k] < threshold}
    hidden: set[Key] = set(reasons)
    relations_of: dict[Key, list[Constraint]] = {k: [] for k in values}
    for con in constraints:
        for key in con.members:
            relations_of[key].append(con)

    def hidden_count(con: Constraint) -> int:
        return sum(k in hidden for k in con.members)

    def pick(con: Constraint, *, positive_only: bool = False) -> Key | None:
        candidates = [
            k
            for k in con.members
            if k not in hidden and (not positive_only or values[k] > 0 or k == con.total)
        ]
        if not candidates:
            return None

        def cost(key: Key) -> tuple[int, int, int, int]:
            mends = sum(
                1 for other in relations_of[key] if other is not con and hidden_count(other) == 1
            )
            return (key == con.total, -mends, values[key], order[key])

        return min(candidates, key=cost)

    def hide(key: Key | None, reason: Reason) -> bool:
        if key is None or key in hidden:
            return False
        hidden.add(key)
        reasons[key] = reason
        return True

    while True:
        changed = True
        while changed:
            changed = False
            for con in constraints:
                if hidden_count(con) == 1:
                    changed |= hide(pick(con), Reason.LINE)
        # Bounds first: propagation is cheap, while the exact rank check costs a full
        # elimination, so it runs only once the bounds find nothing.
        problem: tuple[Key, Reason] | None = None
        pinned = pinned_entries(values, hidden, constraints)
        if pinned:
            problem = (min(pinned, key=order.__getitem__), Reason.BOUNDS)
        else:
            determined = determined_entries(hidden, constraints, order)
            if determined:
                problem = (min(determined, key=order.__getitem__), Reason.RANK)
        if problem is None:
            pinned = lp_pinned_entries(values, hidden, constraints)
            if pinned:
                problem = (min(pinned, key=order.__getitem__), Reason.BOUNDS)
        if problem is None:
            break
        # One problem per round: the extra hidden entry often mends others too.
        key, reason = problem
        candidates = _nearest_shown(key, hidden, relations_of)
        if not candidates:
            break  # everything is hidden: nothing can be recovered
        # The least informative of the nearest shown entries.
        hide(min(candidates, key=lambda k: (values[k], order[k])), reason)
    return Suppressed(values=dict(values), hidden=frozenset(hidden), reasons=reasons)


def _nearest_shown(
    start: Key, hidden: set[Key], relations_of: Mapping[Key, list[Constraint]]
) -> list[Key]:
    """Shown entries reachable from ``start`` through the fewest relations.

    A disclosure runs from shown figures through relations to the hidden one, so hiding one of
    the nearest shown figures cuts the shortest path; the loop repeats until no path is left.
    """
    seen = {start}
    frontier = [start]
    while frontier:
        found: list[Key] = []
        nxt: list[Key] = []
        for key in frontier:
            for con in relations_of[key]:
                for member in con.members:
                    if member in seen:
                        continue
                    seen.add(member)
                    (nxt if member in hidden else found).append(member)
        if found:
            return found
        frontier = nxt
    return []


def determined_entries(
    hidden: set[Key] | frozenset[Key],
    constraints: Sequence[Constraint],
    order: Mapping[Key, int] | None = None,
) -> set[Key]:
    """Hidden entries whose value follows from the shown ones by linear algebra alone.

    Each relation, restricted to the hidden entries, is an equation whose right-hand side is
    known. A hidden entry x_i is determined exactly when the unit vector e_i lies in the row
    space of that system; in reduced row-echelon form that means some row is e_i itself.
    Exact: fraction-free elimination over Python integers.
    """
    if order is None:
        order = {}
    variables = sorted(hidden, key=lambda k: order.get(k, 0))
    index = {k: i for i, k in enumerate(variables)}
    rows: list[dict[int, int]] = []
    for con in constraints:
        row: dict[int, int] = {}
        if con.total in index:
            row[index[con.total]] = row.get(index[con.total], 0) + 1
        for part in con.parts:
            if part in index:
                row[index[part]] = row.get(index[part], 0) - 1
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    return {variables[next(iter(r))] for r in rref_sparse(rows) if len(r) == 1}


def rref_sparse(rows: list[dict[int, int]]) -> list[dict[int, int]]:
    """Reduced row-echelon form of sparse integer rows ({column: coefficient}).

    Gauss–Jordan over the integers (each combination divided by its gcd), choosing the
    sparsest row as pivot to limit fill-in, with an index from column to rows so each
    elimination touches only the rows that hold the column. Returns the non-zero rows; each
    pivot column is non-zero in its pivot row only.
    """
    matrix = [dict(r) for r in rows if r]
    holders: dict[int, set[int]] = {}
    for i, row in enumerate(matrix):
        for col in row:
            holders.setdefault(col, set()).add(i)
    pivot_rows: set[int] = set()
    pivot_cols: set[int] = set()
    while True:
        progressed = False
        for col in sorted(holders):
            if col in pivot_cols:
                continue
            candidates = [i for i in holders[col] if i not in pivot_rows]
            if not candidates:
                continue
            p = min(candidates, key=lambda i: (len(matrix[i]), i))
            pivot_rows.add(p)
            pivot_cols.add(col)
            progressed = True
            prow = matrix[p]
            pv = prow[col]
            for i in list(holders[col]):
                if i == p:
                    continue
                old = matrix[i]
                factor = old[col]
                new = {c: v * pv for c, v in old.items()}
                for c, v in prow.items():
                    new[c] = new.get(c, 0) - factor * v
                new = {c: v for c, v in new.items() if v}
                g = math.gcd(*new.values()) if new else 1
                if g > 1:
                    new = {c: v // g for c, v in new.items()}
                for c in old.keys() - new.keys():
                    holders[c].discard(i)
                for c in new.keys() - old.keys():
                    holders.setdefault(c, set()).add(i)
                matrix[i] = new
        # Fill-in can put a column that found no pivot into a row that has none yet; go
        # round again until every non-zero row is a pivot row.
        if not progressed or all(i in pivot_rows for i, r in enumerate(matrix) if r):
            break
    return [r for r in matrix if r]


def pinned_entries(
    values: Mapping[Key, int],
    hidden: set[Key] | frozenset[Key],
    constraints: Sequence[Constraint],
    *,
    max_passes: int = 200,
) -> set[Key]:
    """Hidden entries whose lower and upper bounds meet, given the shown ones and x >= 0.

    Interval propagation over every relation ``total = sum(parts)``: bounds only ever tighten
    and stay valid, so an entry reported here is truly recoverable (sound); propagation is not
    as tight as a linear programme, which the tests use to audit the results.
    """
    lo: dict[Key, float] = {}
    hi: dict[Key, float] = {}
    for key, value in values.items():
        lo[key], hi[key] = (0.0, math.inf) if key in hidden else (float(value), float(value))
    relevant = [c for c in constraints if any(k in hidden for k in c.members)]
    for _ in range(max_passes):
        changed = False
        for con in relevant:
            sum_lo = sum(lo[p] for p in con.parts)
            sum_hi = sum(hi[p] for p in con.parts)
            t = con.total
            if sum_lo > lo[t]:
                lo[t], changed = sum_lo, True
            if sum_hi < hi[t]:
                hi[t], changed = sum_hi, True
            for p in con.parts:
                others_hi = sum_hi - hi[p] if hi[p] != math.inf else _sum_without(hi, con, p)
                others_lo = sum_lo - lo[p]
                new_lo = lo[t] - others_hi
                new_hi = hi[t] - others_lo
                if new_lo > lo[p]:
                    lo[p], changed = new_lo, True
                if new_hi < hi[p]:
                    hi[p], changed = new_hi, True
        if not changed:
            break
    return {k for k in hidden if hi[k] - lo[k] < 0.5}


def lp_pinned_entries(
    values: Mapping[Key, int],
    hidden: set[Key] | frozenset[Key],
    constraints: Sequence[Constraint],
    *,
    probes: int = 6,
) -> set[Key]:
    """Hidden entries that no non-negative table agreeing with the shown figures can change.

    The complete check (propagation misses bounds that come from combining relations, e.g.
    two totals whose difference is a sum of hidden cells that must then all be 0): linear
    programmes over the hidden entries, x >= 0, every relation with the shown values put in.
    An entry is free when some feasible table moves it by at least 1. A few LPs with random
    objectives reach vertices that move many entries at once; every entry still unproven gets
    its own pair of LPs (maximise, minimise). HiGHS via scipy; deterministic seeds.
    """
    variables = sorted(hidden, key=repr)
    if not variables:
        return set()
    index = {k: i for i, k in enumerate(variables)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for con in constraints:
        row = [0.0] * len(variables)
        known = 0.0
        for key, sign in [(con.total, 1.0), *[(p, -1.0) for p in con.parts]]:
            if key in index:
                row[index[key]] += sign
            else:
                known -= sign * values[key]
        if any(row):
            rows.append(row)
            rhs.append(known)
    truth = np.array([float(values[k]) for k in variables])
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    free = np.zeros(len(variables), bool)

    def solve(objective: npt.NDArray[np.float64]) -> npt.NDArray[np.float64] | None:
        result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if result.status == 3:  # unbounded: the direction itself moves entries
            return None
        if result.status != 0:
            raise ValueError(f"suppression audit LP failed: {result.message}")
        return np.asarray(result.x, dtype=np.float64)

    rng = np.random.default_rng(len(variables))
    for _ in range(probes):
        x = solve(rng.standard_normal(len(variables)))
        if x is not None:
            free |= np.abs(x - truth) >= 1 - 1e-7
        if free.all():
            return set()
    pinned = set()
    for i in np.flatnonzero(~free):
        unit = np.zeros(len(variables))
        unit[i] = 1.0
        high = solve(-unit)
        if high is None or high[i] >= truth[i] + 1 - 1e-7:
            continue
        low = solve(unit)
        if low is not None and low[i] <= truth[i] - 1 + 1e-7:
            continue
        pinned.add(variables[i])
    return pinned


def _sum_without(bounds: Mapping[Key, float], con: Constraint, skip: Key) -> float:
    return sum(bounds[p] for p in con.parts if p != skip)


# --- Tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Counts by row and column (e.g. classes × categories), shown with all their margins."""

    name: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.cells) != len(self.rows) or any(
            len(r) != len(self.columns) for r in self.cells
        ):
            raise ValueError(f"table {self.name!r}: cells do not match rows × columns")

    def cell_key(self, row: int, col: int) -> Key:
        return (self.name, "cell", row, col)

    def row_total_key(self, row: int) -> Key:
        return (self.name, "row", row)

    def column_total_key(self, col: int) -> Key:
        return (self.name, "column", col)

    def grand_total_key(self) -> Key:
        return (self.name, "all")


def table_entries(table: Table) -> tuple[dict[Key, int], list[Constraint]]:
    """The entries and relations of a table with row, column and grand totals."""
    values: dict[Key, int] = {}
    constraints: list[Constraint] = []
    r_n, c_n = len(table.rows), len(table.columns)
    for r in range(r_n):
        for c in range(c_n):
            values[table.cell_key(r, c)] = table.cells[r][c]
    for r in range(r_n):
        values[table.row_total_key(r)] = sum(table.cells[r])
        constraints.append(
            Constraint(table.row_total_key(r), tuple(table.cell_key(r, c) for c in range(c_n)))
        )
    for c in range(c_n):
        values[table.column_total_key(c)] = sum(row[c] for row in table.cells)
        constraints.append(
            Constraint(table.column_total_key(c), tuple(table.cell_key(r, c) for r in range(r_n)))
        )
    values[table.grand_total_key()] = sum(map(sum, table.cells))
    constraints.append(
        Constraint(table.grand_total_key(), tuple(table.row_total_key(r) for r in range(r_n)))
    )
    constraints.append(
        Constraint(table.grand_total_key(), tuple(table.column_total_key(c) for c in range(c_n)))
    )
    return values, constraints


@dataclass(frozen=True)
class ShownTable:
    """A table ready to publish: None wherever a figure is suppressed."""

    name: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None


def shown_table(
    table: Table, result: Suppressed, alias: Mapping[Key, Key] | None = None
) -> ShownTable:
    """Read a table's figures back out of a suppression result (through ``alias`` if shared)."""
    names = alias or {}

    def shown(key: Key) -> int | None:
        return result.shown(names.get(key, key))

    r_n, c_n = len(table.rows), len(table.columns)
    return ShownTable(
        name=table.name,
        rows=table.rows,
        columns=table.columns,
        cells=tuple(tuple(shown(table.cell_key(r, c)) for c in range(c_n)) for r in range(r_n)),
        row_totals=tuple(shown(table.row_total_key(r)) for r in range(r_n)),
        column_totals=tuple(shown(table.column_total_key(c)) for c in range(c_n)),
        grand_total=shown(table.grand_total_key()),
    )


def suppress_table(table: Table, *, threshold: int = THRESHOLD) -> ShownTable:
    """Suppress one table with its margins."""
    values, constraints = table_entries(table)
    return shown_table(table, suppress(values, constraints, threshold=threshold))


def _grade_aliases(grades: Mapping[str, Table], school: Table) -> dict[str, dict[Key, Key]]:
    """Per grade: its table's column totals and grand total are the school table's entries."""
    out: dict[str, dict[Key, Key]] = {}
    for g_index, (grade, table) in enumerate(grades.items()):
        alias: dict[Key, Key] = {table.grand_total_key(): school.row_total_key(g_index)}
        for c in range(len(table.columns)):
            alias[table.column_total_key(c)] = school.cell_key(g_index, c)
        out[grade] = alias
    return out


def school_entries(
    name: str, grades: Mapping[str, Table]
) -> tuple[dict[Key, int], list[Constraint], Table]:
    """Entries and relations of a grade → class hierarchy.

    ``grades`` maps each grade to its table of classes × categories (same categories
    everywhere). The school table (grades × categories) shares its entries with the class
    tables: the school's cell (grade, category) *is* that grade table's column total, and
    the school's row total for a grade *is* that grade table's grand total, so a figure hidden
    in one is hidden in the other and the relations of both levels hold at once.
    """
    grade_names = tuple(grades)
    if not grade_names:
        raise ValueError("a school table needs at least one grade")
    columns = next(iter(grades.values())).columns
    if any(t.columns != columns for t in grades.values()):
        raise ValueError("every grade table must have the same categories")
    if len({t.name for t in grades.values()} | {name}) != len(grades) + 1:
        raise ValueError("every table needs its own name")
    school = Table(
        name=name,
        rows=grade_names,
        columns=columns,
        cells=tuple(
            tuple(sum(row[c] for row in grades[g].cells) for c in range(len(columns)))
            for g in grade_names
        ),
    )
    aliases = _grade_aliases(grades, school)
    values: dict[Key, int] = {}
    constraints: list[Constraint] = []
    for grade, table in grades.items():
        alias = aliases[grade]
        v, cons = table_entries(table)
        for key, value in v.items():
            values[alias.get(key, key)] = value
        constraints.extend(
            Constraint(alias.get(con.total, con.total), tuple(alias.get(p, p) for p in con.parts))
            for con in cons
        )
    v, cons = table_entries(school)
    values.update(v)
    constraints.extend(cons)
    return values, constraints, school


@dataclass(frozen=True)
class ShownSchool:
    school: ShownTable
    grades: dict[str, ShownTable]


def suppress_school(
    name: str, grades: Mapping[str, Table], *, threshold: int = THRESHOLD
) -> ShownSchool:
    """Suppress a school table and its per-grade class tables together, consistently."""
    values, constraints, school = school_entries(name, grades)
    result = suppress(values, constraints, threshold=threshold)
    aliases = _grade_aliases(grades, school)
    return ShownSchool(
        school=shown_table(school, result),
        grades={g: shown_table(t, result, aliases[g]) for g, t in grades.items()},
    )
