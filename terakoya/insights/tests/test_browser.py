"""The insights pages in a browser on a tablet: the parameters page and the privacy ledger."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from terakoya.insights import bkt, services
from terakoya.privacy.audit import SYSTEM
from terakoya.testing import TABLET, screenshot, signed_in_context

pytestmark = pytest.mark.browser


def _signed_in_page(browser, live_server, world, person):
    context = signed_in_context(browser, live_server, person, viewport=TABLET, locale="ja-JP")
    return context, context.new_page()


@pytest.fixture
def seeded(transactional_db, world):
    sim = bkt.simulate(
        n_skills=3,
        n_learners=60,
        min_length=5,
        max_length=9,
        rng=np.random.default_rng(4),
        truth=np.array([[0.3, 0.2, 0.1, 0.2], [0.5, 0.1, 0.05, 0.25], [0.2, 0.3, 0.12, 0.15]]),
    )
    codes = ("8220233111000000", "8220233112000000", "8220233113000000")
    responses = [
        services.Response(code=codes[s], learner=f"sim-{le}", correct=bool(c))
        for s, le, c in zip(sim.skill, sim.learner, sim.correct, strict=True)
    ]
    services.skill_fit_run(
        actor=SYSTEM, responses=responses, board=world.board, replicates=8, seed=1
    )
    services.privacy_budget_create(
        actor=SYSTEM,
        board=world.board,
        epsilon_total=3.0,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2027, 3, 31),
    )
    services.dp_table_release(
        actor=SYSTEM,
        board=world.board,
        label="校種別児童生徒数",
        counts={"小学校": 5200, "中学校": 2700},
        epsilon=0.5,
        on=dt.date(2026, 11, 27),
    )
    return codes


def test_a_teacher_reads_the_parameters_page_on_a_tablet(browser, live_server, world, seeded):
    context, page = _signed_in_page(browser, live_server, world, world.homeroom_teacher)
    page.goto(f"{live_server.url}/insights/skills/")
    assert page.locator("h1").inner_text() == "習得モデルのパラメータ"
    assert page.locator("tbody tr").count() == 3
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert "学習確率" in (chart.locator("desc").text_content() or "")
    screenshot(page, "insights-skill-parameters-teacher")
    context.close()


def test_the_board_analyst_reads_the_privacy_ledger_on_a_tablet(
    browser, live_server, world, seeded
):
    context, page = _signed_in_page(browser, live_server, world, world.board_analyst)
    page.goto(f"{live_server.url}/insights/privacy-budget/")
    assert page.locator("h1").inner_text() == "プライバシー予算"
    assert "校種別児童生徒数" in page.locator("table").inner_text()
    screenshot(page, "insights-privacy-ledger-board-analyst")
    context.close()


def test_the_school_dashboard_on_a_tablet_shows_suppressed_cells(browser, live_server, world):
    from terakoya.insights.tests.test_school_aggregate import _fill
    from terakoya.privacy.consent import consent_grant
    from terakoya.privacy.purposes import Purpose
    from terakoya.roster.models import Person

    granted = _fill(world, "3年2組", "P3", 24)[:15] + _fill(world, "4年1組", "P4", 28)[:20]
    for uuid in granted:
        consent_grant(
            learner=Person.objects.get(uuid=uuid),
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=Purpose.INDIVIDUAL_RESEARCH,
        )
    context, page = _signed_in_page(browser, live_server, world, world.school_admin)
    page.goto(f"{live_server.url}/insights/school/")
    assert page.locator("h1").inner_text().startswith("学校の集計")
    assert page.locator("abbr.suppressed").count() > 0
    screenshot(page, "insights-school-dashboard-school-admin")
    context.close()


def test_the_teachers_class_mastery_page_on_a_tablet(browser, live_server, world):
    from terakoya.insights.tests.test_assessment_source import make_answers

    make_answers(world)
    services.skill_fit_for_board(actor=SYSTEM, board=world.board, replicates=6, seed=2)
    context, page = _signed_in_page(browser, live_server, world, world.homeroom_teacher)
    page.goto(f"{live_server.url}/insights/classes/{world.homeroom.uuid}/mastery/")
    assert page.locator("h1").inner_text().startswith("習得状況")
    assert page.locator("tbody tr").count() == 2
    page.locator("details summary").first.click()
    screenshot(page, "insights-class-mastery-homeroom-teacher")
    context.close()
