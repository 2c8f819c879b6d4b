"""In a real browser: the school administrator issues an LRS client, copies its credentials,
and revokes it. Chromium through Playwright against the live server; a 1024x768 tablet.
Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from terakoya.records.models import LrsClient
from terakoya.testing import TABLET, signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_the_admin_issues_and_revokes_a_client_in_the_browser(world, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = signed_in_context(
        browser, live_server, world.school_admin, viewport=TABLET, locale="ja-JP"
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="学習記録(xAPI)の接続").first.click()
    page.get_by_label("ツールの名前").fill("漢字ドリルアプリ")
    page.get_by_role("button", name="発行する").click()
    issued = page.locator("#issued")
    assert "シークレット" in issued.inner_text()
    client = LrsClient.objects.get()
    assert client.key in issued.inner_text()
    page.screenshot(path=str(SHOTS / "records-client-issued.png"), full_page=True)
    page.get_by_role("button", name="無効にする").click()
    assert "無効" in page.locator("tbody").inner_text()
    page.screenshot(path=str(SHOTS / "records-client-revoked.png"), full_page=True)
    client.refresh_from_db()
    assert client.revoked_at is not None
    context.close()
