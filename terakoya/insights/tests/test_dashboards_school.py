"""School and board dashboards: counts only, small-cell suppression that cannot be undone."""

from __future__ import annotations

import numpy as np
import pytest
from django.urls import reverse
from scipy.optimize import linprog

from terakoya.insights.tests.dashboards_support import csv_rows
from terakoya.roster import services as roster
from terakoya.roster.models import ClassType, Role

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねの"
SMALL = "4年2組"


def _class(world, name: str, grade: str, n: int) -> None:
    klass = roster.class_create(
        school=world.school,
        school_year=world.year,
        name=name,
        class_type=ClassType.HOMEROOM,
        grades=[grade],
    )
    for i in range(n):
        person = roster.person_create(
            family_name="生徒",
            given_name=f"{name}{i}",
            family_name_kana="せいと",
            given_name_kana=KANA[i % len(KANA)],
        )
        roster.membership_create(
            person=person, role=Role.LEARNER, board=world.board, school=world.school, grade=grade
        )
        roster.enrolment_create(person=person, school_class=klass, shusseki_no=i + 1)


@pytest.fixture
def school(world):
    _class(world, "4年1組", "P4", 14)
    _class(world, SMALL, "P4", 9)
    _class(world, "5年1組", "P5", 12)
    _class(world, "5年2組", "P5", 13)
    return world


def _blocks(rows):
    """CSV rows → {(section, grid name): [header, *rows]}."""
    blocks: dict[tuple[str, str] | None, list[list[str]]] = {}
    key = None
    for row in rows[1:]:
        if (
            len(row) == 2
            and not row[0].isdigit()
            and (row[1] == "学年別" or row[1].startswith("P"))
        ):
            key = (row[0], row[1])
            blocks[key] = []
        else:
            blocks[key].append(row)
    return blocks


def _value(cell):
    return None if cell == "秘匿" else int(cell)


def _bounds_of_small_class(blocks, section):
    """Min and max of the small class's total consistent with every figure shown (an LP)."""
    grade = blocks[(section, "P4")]
    school = blocks[(section, "学年別")]
    header, *body = grade
    cols = len(header) - 2  # categories (without the row label and the total)
    names = [row[0] for row in body[:-1]]
    unknown: dict[tuple[str, int], int] = {}

    def var(key):
        return unknown.setdefault(key, len(unknown))

    equations = []  # (coefficients by variable, constant): sum == constant

    def term(cell, key, coeffs):
        value = _value(cell)
        if value is None:
            coeffs[var(key)] = coeffs.get(var(key), 0) + 1
            return 0
        return value

    cells = {(r, c): row[c + 1] for r, row in enumerate(body[:-1]) for c in range(cols)}
    totals = {r: row[-1] for r, row in enumerate(body[:-1])}
    col_totals = {c: body[-1][c + 1] for c in range(cols)}
    grand = body[-1][-1]
    for r in range(len(names)):  # row: total = sum of cells
        coeffs: dict[int, int] = {}
        const = 0
        total_value = _value(totals[r])
        for c in range(cols):
            const -= term(cells[(r, c)], ("c", r, c), coeffs)
        if total_value is None:
            coeffs[var(("t", r))] = coeffs.get(var(("t", r)), 0) - 1
        else:
            const += total_value
        equations.append((coeffs, const))
    for c in range(cols):  # column: total = sum of cells
        coeffs = {}
        const = 0
        for r in range(len(names)):
            const -= term(cells[(r, c)], ("c", r, c), coeffs)
        value = _value(col_totals[c])
        if value is None:
            coeffs[var(("ct", c))] = coeffs.get(var(("ct", c)), 0) - 1
        else:
            const += value
        equations.append((coeffs, const))
    coeffs = {}
    const = 0  # grand total = sum of row totals
    for r in range(len(names)):
        const -= term(totals[r], ("t", r), coeffs)
    value = _value(grand)
    if value is None:
        coeffs[var(("g",))] = coeffs.get(var(("g",)), 0) - 1
    else:
        const += value
    equations.append((coeffs, const))
    # The school table's P4 row is the same figures as the grade table's margins.
    p4 = next(row for row in school[1:] if row[0] == "P4")
    for c in range(cols):
        if _value(p4[c + 1]) is not None and _value(col_totals[c]) is None:
            equations.append(({var(("ct", c)): 1}, _value(p4[c + 1])))
    if _value(p4[-1]) is not None and _value(grand) is None:
        equations.append(({var(("g",)): 1}, _value(p4[-1])))
    small = names.index(SMALL)
    target = var(("t", small)) if _value(totals[small]) is None else None
    assert target is not None, "the small class's total must not be shown"
    n = len(unknown)
    a_eq = np.zeros((len(equations), n))
    b_eq = np.zeros(len(equations))
    for i, (coeffs, constant) in enumerate(equations):
        for j, v in coeffs.items():
            a_eq[i, j] = v
        b_eq[i] = constant
    objective = np.zeros(n)
    objective[target] = 1
    lo = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n)
    hi = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n)
    assert lo.status == 0
    assert hi.status in (0, 3)  # 3: unbounded, so certainly not determined
    return lo.fun, (np.inf if hi.status == 3 else -hi.fun)


def test_a_class_of_nine_shows_no_figure_and_none_can_be_worked_out(school):
    client = school.client_for(school.principal)
    page = client.get(reverse("insights:dashboard_school"))
    assert page.status_code == 200
    rows = csv_rows(client.get(reverse("insights:dashboard_school_csv")).content)
    blocks = _blocks(rows)
    for section in ("課題の提出", "欠席日数(今年度)"):
        small_row = next(r for r in blocks[(section, "P4")] if r[0] == SMALL)
        assert set(small_row[1:]) == {"秘匿"}, small_row
        shown = [c for row in blocks[(section, "学年別")][1:] for c in row[1:] if c != "秘匿"]
        assert shown, "the school table must still say something (not everything hidden)"
        low, high = _bounds_of_small_class(blocks, section)
        assert high - low >= 1, (low, high)
    assert "生徒" not in page.content.decode()  # never a name


def test_the_board_analyst_sees_grade_figures_only_and_no_individual(school):
    page = school.client_for(school.board_analyst).get(reverse("insights:dashboard_board"))
    html = page.content.decode()
    assert page.status_code == 200
    assert school.school.name in html
    assert SMALL not in html
    assert "生徒" not in html
    assert school.learner.full_name not in html


@pytest.mark.parametrize("persona", ["homeroom_teacher", "learner", "guardian", "stranger"])
def test_other_roles_get_the_plain_404_on_school_and_board_pages(school, persona):
    client = school.client_for(school.persona(persona))
    for name in (
        "insights:dashboard_school",
        "insights:dashboard_school_csv",
        "insights:dashboard_board",
    ):
        assert client.get(reverse(name)).status_code == 404
