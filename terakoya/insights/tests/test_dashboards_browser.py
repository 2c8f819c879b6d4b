"""Every role's dashboard in a browser on a tablet (landscape and portrait), with screenshots."""

from __future__ import annotations

import pytest

from terakoya.insights.tests.dashboards_support import fill_class
from terakoya.insights.tests.test_dashboards_school import _class
from terakoya.testing import TABLET, TABLET_PORTRAIT, screenshot, signed_in_context

pytestmark = pytest.mark.browser

VIEWPORTS = {"landscape": TABLET, "portrait": TABLET_PORTRAIT}


@pytest.fixture
def seeded(transactional_db, world):
    fill_class(world, weak=world.learner, strong=world.classmate)
    _class(world, "4年1組", "P4", 14)
    _class(world, "4年2組", "P4", 9)
    _class(world, "5年1組", "P5", 12)
    _class(world, "5年2組", "P5", 13)
    return world


def _page(browser, live_server, world, person, viewport):
    context = signed_in_context(browser, live_server, person, viewport=viewport, locale="ja-JP")
    return context, context.new_page()


def _no_horizontal_scroll(page):
    # The page itself never scrolls sideways on a tablet (wide tables scroll in their box).
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.parametrize("orientation", VIEWPORTS)
def test_every_roles_dashboard_reads_on_a_tablet(browser, live_server, seeded, orientation):
    world = seeded
    viewport = VIEWPORTS[orientation]
    pages = [
        ("teacher", world.homeroom_teacher, f"/dashboard/classes/{world.homeroom.uuid}/", "3年1組"),
        (
            "teacher-learner",
            world.homeroom_teacher,
            f"/dashboard/classes/{world.homeroom.uuid}/learners/{world.learner.uuid}/",
            world.learner.full_name,
        ),
        ("learner", world.learner, "/dashboard/me/", "学習の様子"),
        ("guardian", world.guardian, "/dashboard/family/", "お子さんの様子"),
        ("principal", world.principal, "/dashboard/school/", "学校の集計"),
        ("board-analyst", world.board_analyst, "/dashboard/board/", "教育委員会の集計"),
    ]
    for name, person, path, heading in pages:
        context, page = _page(browser, live_server, world, person, viewport)
        page.goto(f"{live_server.url}{path}")
        assert heading in page.locator("h1").inner_text(), name
        for chart in page.locator("svg[role=img]").all():
            assert chart.get_attribute("aria-labelledby")
        _no_horizontal_scroll(page)
        screenshot(page, f"dashboard-{name}-{orientation}")
        context.close()


def test_the_teacher_approves_a_suggestion_with_one_tap(browser, live_server, seeded):
    world = seeded
    context, page = _page(browser, live_server, world, world.homeroom_teacher, TABLET)
    page.goto(
        f"{live_server.url}/dashboard/classes/{world.homeroom.uuid}/learners/{world.learner.uuid}/"
    )
    button = page.get_by_role("button", name="承認して本人に表示").first
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a finger, not a mouse
    button.click()
    assert "承認しました" in page.locator(".messages").inner_text()
    context.close()
    context, page = _page(browser, live_server, world, world.learner, TABLET)
    page.goto(f"{live_server.url}/dashboard/me/")
    assert "習得の見込みが" in page.locator(".suggestion").first.inner_text()
    screenshot(page, "dashboard-learner-approved-suggestion")
    context.close()
