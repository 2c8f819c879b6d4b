"""In a real browser: a guardian's notice reaches the morning view, the register is saved,
and the consecutive-absence alert fires on the third day with its evidence.

Chromium (Debian's /usr/bin/chromium) through Playwright, against pytest-django's live
server; tablet viewports 800x1280 (guardian, portrait) and 1024x768 (teacher, landscape).
Screenshots go to var/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from terakoya.attendance import selectors, services
from terakoya.attendance.models import AttendanceAlert
from terakoya.attendance.services import Mark
from terakoya.core import clock
from terakoya.privacy.gate import Actor
from terakoya.testing import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def _signed_in(browser, live_server, person, viewport):
    """A browser context carrying the person's session (sign-in pages are not under test)."""
    return signed_in_context(
        browser, live_server, person, viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo"
    )


def test_notice_morning_view_register_and_alert_in_the_browser(world, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin = Actor.for_person(world.school_admin)
    today = clock.today()
    if not selectors.is_school_day(school=world.school, day=today):
        services.calendar_set_open(actor=admin, school=world.school, day=today, label="授業日")
    services.alert_rule_create(actor=admin, school=world.school, kind="consecutive", threshold=3)
    earlier = selectors.previous_school_days(school=world.school, before=today, count=2)
    if len(earlier) < 2 or earlier[0] < world.year.start_date:
        pytest.skip("fewer than two school days of this 年度 before today")
    teacher = Actor.for_person(world.homeroom_teacher)
    for day in earlier:  # absent on the two school days before today
        services.register_save(
            actor=teacher,
            school_class=world.homeroom,
            day=day,
            learners=[world.learner, world.classmate],
            marks={world.learner.uuid: Mark(status="absent", reason="illness")},
        )

    # The guardian sends today's notice from a portrait tablet.
    guardian = _signed_in(browser, live_server, world.guardian, {"width": 800, "height": 1280})
    page = guardian.new_page()
    page.goto("/attendance/notices/new/")
    page.get_by_label("発熱").check()
    page.get_by_label("連絡事項(任意)").fill("昨日から熱が下がりません。")
    page.screenshot(path=str(SHOTS / "attendance-1-guardian-notice.png"), full_page=True)
    page.get_by_role("button", name="送信する").click()
    page.wait_for_url("**/attendance/notices/*/")
    confirmation = page.get_by_test_id("confirmation")
    assert "山田 花子" in confirmation.inner_text()
    assert "まだ確認されていません" in confirmation.inner_text()
    confirmation_url = page.url
    page.screenshot(path=str(SHOTS / "attendance-2-guardian-confirmation.png"), full_page=True)

    # The homeroom teacher's morning view on a landscape tablet shows the notice.
    staff = _signed_in(browser, live_server, world.homeroom_teacher, {"width": 1024, "height": 768})
    tab = staff.new_page()
    tab.goto("/attendance/morning/")
    notices = tab.get_by_test_id("notices")
    assert "山田 花子" in notices.inner_text()
    assert "昨日から熱が下がりません。" in notices.inner_text()
    tab.screenshot(path=str(SHOTS / "attendance-3-teacher-morning.png"), full_page=True)

    # The register is pre-filled from the notice; the classmate is present by default.
    tab.get_by_role("link", name="出席簿をつける").click()
    row = tab.locator("tr", has_text="山田 花子")
    assert row.locator("input[value=absent]").is_checked()
    assert tab.locator("tr", has_text="佐藤 太郎").locator("input[value=present]").is_checked()
    # Tap an exception: the classmate came late.
    tab.locator("tr", has_text="佐藤 太郎").get_by_text("遅刻").click()
    tab.screenshot(path=str(SHOTS / "attendance-4-register.png"))
    tab.get_by_role("button", name="出席簿を保存").click()
    tab.wait_for_load_state()
    assert "出席簿を保存しました" in tab.content()

    entries = selectors.register_entries(school_class=world.homeroom, day=today)
    assert entries[world.learner.pk].status == "absent"
    assert entries[world.classmate.pk].status == "late"

    # The third consecutive absence fires the alert, with the three days as evidence.
    alert = AttendanceAlert.objects.get(learner=world.learner)
    expected = [d.isoformat() for d in [*earlier, today]]
    assert alert.evidence == expected
    tab.goto("/attendance/morning/")
    card = tab.get_by_test_id("alert")
    assert "山田 花子" in card.inner_text()
    for shown in expected:
        assert shown in card.inner_text()
    tab.screenshot(path=str(SHOTS / "attendance-5-alert.png"), full_page=True)
    card.get_by_label("対応の記録(例: 保護者に電話し様子を確認)").fill("保護者に電話。通院済み。")
    card.get_by_role("button", name="確認して記録する").click()
    tab.wait_for_load_state()
    assert "未確認のアラートはありません。" in tab.content()

    # The guardian's confirmation now says the teacher has seen the notice.
    page.goto(confirmation_url)
    assert "確認済み" in page.get_by_test_id("confirmation").inner_text()
    page.screenshot(path=str(SHOTS / "attendance-6-guardian-seen.png"), full_page=True)
    guardian.close()
    staff.close()


def test_a_class_of_forty_is_recorded_with_one_tap_per_exception(world, live_server, browser):
    """Everyone is 出席 by default: three exceptions are three taps and one save."""
    import time

    from terakoya.roster import services as roster

    for number in range(3, 41):
        person = roster.person_create(
            family_name="生徒", given_name=f"{number:02d}", family_name_kana="せいと"
        )
        roster.membership_create(
            person=person,
            role="learner",
            board=world.board,
            school=world.school,
            grade="P3",
            begin_date=world.year.start_date,
        )
        roster.enrolment_create(
            person=person,
            school_class=world.homeroom,
            shusseki_no=number,
            begin_date=world.year.start_date,
        )
    today = clock.today()
    if not selectors.is_school_day(school=world.school, day=today):
        services.calendar_set_open(
            actor=Actor.for_person(world.school_admin), school=world.school, day=today, label="t"
        )
    staff = _signed_in(browser, live_server, world.homeroom_teacher, {"width": 1024, "height": 768})
    tab = staff.new_page()
    tab.goto(f"/attendance/classes/{world.homeroom.uuid}/register/")
    assert tab.locator("tbody tr").count() == 40
    started = time.perf_counter()
    tab.locator("tr", has_text="生徒 05").get_by_text("欠席").click()
    tab.locator("tr", has_text="生徒 12").get_by_text("遅刻").click()
    tab.locator("tr", has_text="生徒 33").get_by_text("早退").click()
    tab.screenshot(path=str(SHOTS / "attendance-7-register-40.png"))
    tab.get_by_role("button", name="出席簿を保存").click()
    tab.wait_for_load_state()
    elapsed = time.perf_counter() - started
    assert "出席簿を保存しました" in tab.content()
    entries = selectors.register_entries(school_class=world.homeroom, day=today)
    assert sorted(e.status for e in entries.values()) == ["absent", "early_leave", "late"]
    # Machine time for 3 taps and the save (a figure for the report, not a timing assertion).
    print(f"register of 40, 3 exceptions: {elapsed:.2f}s machine time")  # noqa: T201
    staff.close()
