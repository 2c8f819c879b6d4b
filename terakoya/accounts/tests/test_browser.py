"""In a real browser: a child mistypes their pictures five times, the homeroom teacher sees the
pause on the class's sign-in page and lifts it, and the child signs in. Chromium through
Playwright against the live server; a 1024x768 tablet. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from terakoya.accounts.tests.support import lock_by_pictures
from terakoya.testing import TABLET, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_the_teacher_lifts_a_childs_sign_in_pause_in_the_browser(world, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    picture_url = lock_by_pictures(world)
    context = signed_in_context(
        browser, live_server, world.homeroom_teacher, viewport=TABLET, locale="ja-JP"
    )
    page = context.new_page()
    page.goto(f"/accounts/classes/{world.homeroom.uuid}/sign-in/")
    locked = page.get_by_test_id("locked-learners")
    assert "山田 花子" in locked.inner_text()
    page.screenshot(path=str(SHOTS / "signin-unlock-1-paused.png"), full_page=True)
    page.get_by_role("button", name="山田 花子さんの制限を解除").click()
    done = page.locator(".messages").inner_text()
    assert "山田 花子さんのサインインの制限を解除しました。" in done
    assert page.get_by_test_id("locked-learners").count() == 0
    page.screenshot(path=str(SHOTS / "signin-unlock-2-lifted.png"), full_page=True)
    assert Client().post(picture_url, {"pictures": "cat,star,moon"}).status_code == 302
