"""In a real browser on a tablet-sized screen: a learner takes a whole drill by tapping and
typing; a teacher marks the essay and sends feedback. Screenshots go to var/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from terakoya.assessment import services
from terakoya.assessment.models import Attempt, AttemptState
from terakoya.core import clock
from terakoya.courses import services as courses
from terakoya.privacy.audit import SYSTEM
from terakoya.testing import PASSWORD, TABLET, screenshot

pytestmark = pytest.mark.browser


def _sign_in(browser, live_server, username):
    context = browser.new_context(viewport=TABLET, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/signin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page


@pytest.fixture
def full_drill(course, bank):
    return services.drill_create(
        course=course,
        title="まとめ ドリル",
        questions=[
            bank["たしざん1"],
            bank["たいよう"],
            bank["しゅと"],
            bank["どうぶつ"],
            bank["あな"],
            bank["さくぶん"],
        ],
        mastery_rule={"kind": "m_of_n", "m": 4, "n": 5},
        rubric=[{"name": "ていねいさ", "levels": ["A", "B", "C"]}],
    )


def test_a_learner_takes_a_whole_drill_on_a_tablet(world, full_drill, browser, live_server):
    courses.assignment_create(
        course=full_drill.course,
        title="まとめ ドリル",
        drill=full_drill,
        target_class=world.subject_class,
        open_at=clock.now() - dt.timedelta(hours=1),
        due_at=clock.now() + dt.timedelta(days=1),
    )
    context, page = _sign_in(browser, live_server, "learner")
    page.goto(f"{live_server.url}/today/")
    screenshot(page, "drill-00-today")
    page.get_by_text("まとめ ドリル").click()
    screenshot(page, "drill-01-start")
    page.get_by_test_id("start").click()
    # 1. single choice: tap the big "7" card
    page.locator("label.choice", has_text="7").click()
    screenshot(page, "drill-02-choice")
    page.get_by_test_id("answer").click()
    assert "せいかい!" in page.get_by_test_id("feedback").inner_text()
    screenshot(page, "drill-03-feedback")
    page.get_by_test_id("next").click()
    # 2. true/false
    page.locator("label.choice", has_text="○").click()
    page.get_by_test_id("answer").click()
    page.get_by_test_id("next").click()
    # 3. short answer, typed in hiragana
    page.fill("input[name=value]", "とうきょう")
    page.get_by_test_id("answer").click()
    assert "せいかい!" in page.get_by_test_id("feedback").inner_text()
    page.get_by_test_id("next").click()
    # 4. matching
    for index, sound in enumerate(["わん", "にゃー", "もー"]):
        page.select_option(f"select[name=match_{index}]", sound)
    screenshot(page, "drill-04-matching")
    page.get_by_test_id("answer").click()
    page.get_by_test_id("next").click()
    # 5. cloze with a choice gap
    page.select_option("select[name=gap_0]", label="アジア")
    page.get_by_test_id("answer").click()
    page.get_by_test_id("next").click()
    # 6. essay
    page.fill("textarea[name=text]", "うみで およいだ。")
    page.get_by_test_id("answer").click()
    assert "先生が よんでくれるよ" in page.get_by_test_id("feedback").inner_text()
    page.get_by_test_id("next").click()
    screenshot(page, "drill-05-check")
    page.get_by_test_id("finish").click()
    assert page.get_by_test_id("score").inner_text() == "5 / 6"
    screenshot(page, "drill-06-result")
    attempt = Attempt.objects.get(learner=world.learner)
    assert attempt.state == AttemptState.NEEDS_MARKING
    assert attempt.mastered
    # Targets are big enough for small fingers (at least 48 px high).
    page.goto(f"{live_server.url}/drills/{full_drill.uuid}/")
    box = page.get_by_test_id("start").bounding_box()
    assert box is not None
    assert box["height"] >= 64
    context.close()


def test_a_teacher_marks_an_essay_and_the_learner_sees_the_feedback(
    world, full_drill, browser, live_server
):
    attempt = services.attempt_start(drill=full_drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=6, answer="うみで およいだ。", actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    context, page = _sign_in(browser, live_server, "subject_teacher")
    page.goto(f"{live_server.url}/marking/")
    page.get_by_text("まとめ ドリル").click()
    page.get_by_text("山田 花子").click()
    screenshot(page, "marking-01-attempt")
    page.fill("#points6", "1")
    page.fill("#comment6", "ようすが よく わかります")
    page.get_by_test_id("mark-6").click()
    assert page.get_by_test_id("state").inner_text() == "おわり"
    page.fill("#feedback-comment", "たのしそうだね。")
    page.locator("input[name=rubric_0][value=A]").check()
    page.get_by_test_id("send-feedback").click()
    screenshot(page, "marking-02-done")
    page.goto(f"{live_server.url}/questions/")
    screenshot(page, "bank-01-list")
    page.goto(f"{live_server.url}/courses/{full_drill.course.uuid}/")
    screenshot(page, "course-01-detail")
    context.close()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.COMPLETED
    assert attempt.score == 1.0
    assert attempt.rubric_levels == {"ていねいさ": "A"}
    context, page = _sign_in(browser, live_server, "learner")
    page.goto(f"{live_server.url}/attempts/{attempt.uuid}/")
    assert "たのしそうだね。" in page.get_by_test_id("teacher-feedback").inner_text()
    screenshot(page, "drill-07-feedback-seen")
    context.close()


def test_ordering_multiple_choice_numeric_and_cloze_gaps_on_a_tablet(
    world, course, browser, live_server
):
    from .conftest import FIXTURES

    bank = {
        q.name: q
        for q in services.questions_import(
            school=world.school, source=(FIXTURES / "every_type.xml").read_bytes(), fmt="moodlexml"
        )
    }
    drill = services.drill_create(
        course=course,
        title="｜理科《りか》の ドリル",
        questions=[bank["チョウの 一生"], bank["植物"], bank["温度"], bank["あなうめ"]],
    )
    context, page = _sign_in(browser, live_server, "learner")
    page.goto(f"{live_server.url}/drills/{drill.uuid}/")
    page.get_by_test_id("start").click()
    items = ["たまご", "よう虫", "さなぎ", "せい虫"]
    for position, item in enumerate(items, start=1):
        index = items.index(item)
        page.select_option(f"select[name=pos_{index}]", str(position))
    screenshot(page, "drill-10-ordering")
    page.get_by_test_id("answer").click()
    assert "せいかい!" in page.get_by_test_id("feedback").inner_text()
    page.get_by_test_id("next").click()
    page.locator("label.choice", has_text="ひまわり").click()
    page.locator("label.choice", has_text="ホウセンカ").click()
    page.get_by_test_id("answer").click()
    assert "せいかい!" in page.get_by_test_id("feedback").inner_text()
    page.get_by_test_id("next").click()
    page.fill("input[name=value]", "０")  # a full-width digit from a Japanese keyboard
    page.get_by_test_id("answer").click()
    assert "せいかい!" in page.get_by_test_id("feedback").inner_text()
    page.get_by_test_id("next").click()
    page.fill("input[name=gap_0]", "6")
    page.select_option("select[name=gap_1]", label="3つ")
    page.fill("input[name=gap_2]", "ようちゅう")
    screenshot(page, "drill-11-cloze")
    page.get_by_test_id("answer").click()
    assert "せいかい!" in page.get_by_test_id("feedback").inner_text()
    page.get_by_test_id("next").click()
    page.get_by_test_id("finish").click()
    assert page.get_by_test_id("score").inner_text() == "4 / 4"
    assert page.locator("h1 ruby rt").first.inner_text() == "りか"
    context.close()
