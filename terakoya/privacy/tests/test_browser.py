"""The privacy pages in a real browser: a guardian gives and withdraws consent with the same
one click, and reads who looked at the child's data (screenshots in var/screenshots/)."""

from __future__ import annotations

import pytest

from terakoya.privacy.gate import Actor, access_learner_by_uuid
from terakoya.privacy.purposes import Purpose
from terakoya.testing import PHONE, TABLET, screenshot, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_for(browser, live_server, world, person, viewport):
    context = signed_in_context(browser, live_server, person, viewport=viewport, locale="ja-JP")
    return context, context.new_page()


def test_a_guardian_grants_and_withdraws_with_one_click_each(browser, live_server, world):
    context, page = _page_for(browser, live_server, world, world.guardian, TABLET)
    try:
        page.goto(f"{live_server.url}/privacy/consent/")
        card = page.locator(".card .card", has_text="外部の学習ツールとの共有")
        assert "同意していません" in card.inner_text()
        card.get_by_role("button", name="同意する").click()
        page.wait_for_load_state()
        card = page.locator(".card .card", has_text="外部の学習ツールとの共有")
        assert "同意しています" in card.inner_text()
        assert "「外部の学習ツールとの共有」に同意しました。" in page.inner_text("main")
        screenshot(page, "privacy-consent-tablet")
        card.get_by_role("button", name="同意を取り消す").click()
        page.wait_for_load_state()
        card = page.locator(".card .card", has_text="外部の学習ツールとの共有")
        assert "同意していません" in card.inner_text()
    finally:
        context.close()


def test_a_guardian_reads_the_childs_access_log_on_a_phone(browser, live_server, world):
    access_learner_by_uuid(
        Actor.for_person(world.homeroom_teacher), world.learner.uuid, purpose=Purpose.INSTRUCTION
    )
    context, page = _page_for(browser, live_server, world, world.guardian, PHONE)
    try:
        page.goto(f"{live_server.url}/privacy/access-log/")
        text = page.inner_text("main")
        assert "田中 誠" in text
        assert "担任の先生" in text
        screenshot(page, "privacy-access-log-phone")
        page.goto(f"{live_server.url}/privacy/data/")
        screenshot(page, "privacy-my-data-phone")
    finally:
        context.close()


def test_the_notice_reads_well_on_a_tablet(browser, live_server, db):
    context = browser.new_context(viewport=TABLET, locale="ja-JP")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/privacy/notice/")
        text = page.inner_text("main")
        assert "法律に基づく学校の仕事" in text
        assert "記録の種類と保存期間" in text
        screenshot(page, "privacy-notice-tablet")
    finally:
        context.close()
