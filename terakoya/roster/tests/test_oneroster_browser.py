"""The OneRoster pages in a browser: upload, the error list, the preview, apply."""

from __future__ import annotations

import io

import pytest

from terakoya.roster.models import Person
from terakoya.roster.oneroster import ExportScope, export_package
from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, write_zip
from terakoya.testing import PASSWORD, TABLET, build_world, screenshot


@pytest.mark.browser
def test_an_admin_uploads_sees_errors_then_a_preview_and_applies(
    transactional_db, live_server, browser, tmp_path
):
    world = build_world()
    broken = SyntheticRoster(Shape(learners_per_class=2))
    files = broken.files()
    files["users"][3]["metadata.jp.kanaFamilyName"] = "ﾔﾏﾀﾞ"
    files["academicSessions"][0]["title"] = "令和8年度"
    write_zip(tmp_path / "broken.zip", files, broken.manifest())
    buffer = io.BytesIO()
    export_package(buffer, scope=ExportScope(school_ids=frozenset({world.school.pk})))
    (tmp_path / "school.zip").write_bytes(buffer.getvalue())

    page = browser.new_page(viewport=TABLET)
    page.goto(f"{live_server.url}/accounts/signin/")
    page.fill("#id_username", "school_admin")
    page.fill("#id_password", PASSWORD)
    page.click("#signin-submit")
    page.goto(f"{live_server.url}/roster/oneroster/")
    assert page.locator("h1").inner_text().startswith("名簿の取り込み")
    screenshot(page, "oneroster-home")

    page.set_input_files("#oneroster-file", str(tmp_path / "broken.zip"))
    page.click("button[type=submit] >> text=内容を確認する")
    page.wait_for_selector("table.issues")
    text = page.inner_text("main")
    assert "half_width_kana" in text
    assert "school_year_title" in text
    screenshot(page, "oneroster-errors")

    page.goto(f"{live_server.url}/roster/oneroster/")
    page.set_input_files("#oneroster-file", str(tmp_path / "school.zip"))
    page.click("button[type=submit] >> text=内容を確認する")
    page.wait_for_selector("table.counts")
    screenshot(page, "oneroster-preview")
    before = Person.objects.count()
    page.click("button:has-text('反映する')")
    page.wait_for_selector("p[role=status]")
    screenshot(page, "oneroster-applied")
    assert Person.objects.count() == before
    page.close()
