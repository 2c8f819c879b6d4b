"""The assessment pages over HTTP: a learner takes a drill, a teacher imports, exports and marks;
a stranger gets the same 404 as for a record that does not exist, on every endpoint."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from terakoya.assessment import services
from terakoya.assessment.models import Attempt, AttemptState, Question, Response
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.purposes import OPTIONAL_PURPOSES
from terakoya.testing import assert_same_not_found

from .conftest import FIXTURES

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CSRF_RE = re.compile(r'name="(?:csrfmiddlewaretoken|next)" value="[^"]*"')


def test_a_learner_takes_a_whole_drill_and_sees_the_result(world, drill):
    client = world.client_for(world.learner)
    page = client.get(reverse("assessment:drills"))
    assert page.status_code == 200
    assert "たしざん ドリル" in page.content.decode()
    started = client.post(reverse("assessment:drill_start", args=[drill.uuid]))
    attempt = Attempt.objects.get(learner=world.learner)
    assert started.url == reverse("assessment:question", args=[attempt.uuid, 1])
    question = client.get(started.url).content.decode()
    assert 'name="choice"' in question
    saved = client.post(started.url, {"choice": "0"})
    assert saved.url.endswith("?saved=1")
    feedback = client.get(saved.url).content.decode()
    assert "せいかい!" in feedback
    assert "こたえは ほぞん されたよ" in feedback
    client.post(reverse("assessment:question", args=[attempt.uuid, 2]), {"tf": "true"})
    client.post(reverse("assessment:question", args=[attempt.uuid, 3]), {"value": "とうきょう"})
    client.post(reverse("assessment:question", args=[attempt.uuid, 4]), {"text": "うみへ いった"})
    assert list(Response.objects.filter(attempt=attempt).values_list("answer", flat=True)) == [
        0,
        True,
        "とうきょう",
        "うみへ いった",
    ]
    done = client.post(reverse("assessment:attempt_finish", args=[attempt.uuid]))
    assert done.url == reverse("assessment:attempt", args=[attempt.uuid])
    result = client.get(done.url).content.decode()
    assert "3 / 4" in result
    assert "先生が よんで てんを つけるよ。" in result


def test_a_teacher_marks_an_essay_and_gives_feedback_the_learner_then_sees(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=4, answer="うみ", actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    teacher = world.client_for(world.subject_teacher)
    url = reverse("assessment:marking_attempt", args=[attempt.uuid])
    page = teacher.get(url).content.decode()
    assert "山田 花子" in page
    essay = Response.objects.get(attempt=attempt, slot=4)
    marked = teacher.post(
        url, {"action": "mark", "response": str(essay.uuid), "points": "1", "comment": "いいね"}
    )
    assert marked.status_code == 302
    teacher.post(url, {"action": "feedback", "comment": "よく かけました", "rubric_0": "A"})
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.COMPLETED
    assert attempt.rubric_levels == {"ていねいさ": "A"}
    mine = world.client_for(world.learner).get(reverse("assessment:attempt", args=[attempt.uuid]))
    body = mine.content.decode()
    assert "よく かけました" in body
    assert "いいね" in body


def test_importing_through_the_page_shows_every_located_error_and_imports_nothing(world):
    teacher = world.client_for(world.subject_teacher)
    upload = ("bad.gift", b"::a:: 1+1 {=2 ~3}\n\n::b:: x {#abc}\n")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = teacher.post(
        reverse("assessment:bank"),
        {"format": "gift", "file": SimpleUploadedFile(*upload)},
    )
    assert response.status_code == 400
    assert "行 3: " in response.content.decode()
    assert Question.objects.count() == 0
    good = teacher.post(
        reverse("assessment:bank"),
        {
            "format": "moodlexml",
            "file": SimpleUploadedFile("q.xml", (FIXTURES / "every_type.xml").read_bytes()),
        },
    )
    assert good.status_code == 302
    assert Question.objects.filter(school=world.school).count() == 9


def test_the_bank_exports_in_each_format(world, bank):
    teacher = world.client_for(world.subject_teacher)
    xml = teacher.get(reverse("assessment:export") + "?format=moodlexml")
    assert xml.status_code == 200
    assert xml["Content-Disposition"] == 'attachment; filename="questions.xml"'
    assert b'<question type="matching">' in xml.content
    gift = teacher.get(reverse("assessment:export") + "?format=gift")
    assert "::たしざん1::" in gift.content.decode()


def _endpoints(drill, attempt, question):
    return {
        "learner": [
            ("get", reverse("assessment:drill", args=[drill.uuid]), "assessment:drill"),
            (
                "post",
                reverse("assessment:drill_start", args=[drill.uuid]),
                "assessment:drill_start",
            ),
            ("get", reverse("assessment:attempt", args=[attempt.uuid]), "assessment:attempt"),
            ("get", reverse("assessment:question", args=[attempt.uuid, 1]), "assessment:question"),
            ("post", reverse("assessment:question", args=[attempt.uuid, 1]), "assessment:question"),
            (
                "get",
                reverse("assessment:question_done", args=[attempt.uuid]),
                "assessment:question_done",
            ),
            (
                "post",
                reverse("assessment:attempt_finish", args=[attempt.uuid]),
                "assessment:attempt_finish",
            ),
        ],
        "teacher": [
            (
                "get",
                reverse("assessment:question_detail", args=[question.uuid]),
                "assessment:question_detail",
            ),
            (
                "post",
                reverse("assessment:question_detail", args=[question.uuid]),
                "assessment:question_detail",
            ),
            (
                "get",
                reverse("assessment:marking_drill", args=[drill.uuid]),
                "assessment:marking_drill",
            ),
            (
                "get",
                reverse("assessment:marking_attempt", args=[attempt.uuid]),
                "assessment:marking_attempt",
            ),
            (
                "post",
                reverse("assessment:marking_attempt", args=[attempt.uuid]),
                "assessment:marking_attempt",
            ),
        ],
    }


def _missing(name, url):
    args: list[object] = [uuid.uuid4()]
    if name == "assessment:question":
        args.append(1)
    return reverse(name, args=args)


@pytest.mark.parametrize(
    ("side", "persona"),
    [("learner", "other_learner"), ("learner", "classmate"), ("teacher", "stranger")],
)
def test_strangers_get_the_same_404_as_for_a_missing_record_on_every_endpoint(
    world, drill, side, persona
):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    question = drill.items.first().question
    client = world.client_for(world.persona(persona))
    for method, url, name in _endpoints(drill, attempt, question)[side]:
        if persona == "classmate" and name in {"assessment:drill", "assessment:drill_start"}:
            continue  # the classmate may open the drill itself; only the attempt is private
        forbidden = getattr(client, method)(url)
        missing = getattr(client, method)(_missing(name, url))
        assert_same_not_found(forbidden, missing)
    assert Attempt.objects.filter(learner=world.learner).count() == 1


def test_the_learners_own_teacher_of_another_class_cannot_mark(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    # The homeroom teacher teaches the learner, but not this 理科 course.
    client = world.client_for(world.homeroom_teacher)
    forbidden = client.get(reverse("assessment:marking_attempt", args=[attempt.uuid]))
    missing = client.get(reverse("assessment:marking_attempt", args=[uuid.uuid4()]))
    assert_same_not_found(forbidden, missing)


def _normalise(html, *names):
    text = CSRF_RE.sub("", html)
    text = UUID_RE.sub("UUID", text)
    for name in names:
        text = text.replace(name, "NAME")
    return text


def _take(client, drill, learner):
    pages = []
    start = client.post(reverse("assessment:drill_start", args=[drill.uuid]))
    pages.append((start.status_code, UUID_RE.sub("UUID", start.url)))
    attempt = Attempt.objects.get(learner=learner, drill=drill)
    for slot, data in enumerate([{"tf": "true"}, {"value": "東京"}, {"value": "3.1"}], start=1):
        url = reverse("assessment:question", args=[attempt.uuid, slot])
        shown = client.get(url)
        saved = client.post(url, data)
        feedback = client.get(saved.url)
        pages += [
            (shown.status_code, _normalise(shown.content.decode(), learner.full_name)),
            (saved.status_code, UUID_RE.sub("UUID", saved.url)),
            (feedback.status_code, _normalise(feedback.content.decode(), learner.full_name)),
        ]
    finished = client.post(reverse("assessment:attempt_finish", args=[attempt.uuid]))
    result = client.get(finished.url)
    pages.append((result.status_code, _normalise(result.content.decode(), learner.full_name)))
    return pages


def test_refusing_optional_consent_changes_nothing_in_the_drill(world, course, bank):
    drill = services.drill_create(
        course=course,
        title="○× と きじゅつ",
        questions=[bank["たいよう"], bank["しゅと"], bank["えんしゅうりつ"]],
    )
    for purpose in OPTIONAL_PURPOSES:
        consent_grant(
            learner=world.learner,
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=purpose,
        )
        consent_withdraw(
            learner=world.classmate,
            given_by=world.classmate,
            given_by_role="learner",
            purpose=purpose,
        )
    consenting = _take(world.client_for(world.learner), drill, world.learner)
    refusing = _take(world.client_for(world.classmate), drill, world.classmate)
    assert consenting == refusing
    assert (
        Attempt.objects.get(learner=world.classmate).score
        == Attempt.objects.get(learner=world.learner).score
        == 2.0
    )


def test_lists_and_exports_show_only_the_teachers_own_school(world, bank, drill):
    stranger = world.client_for(world.stranger)
    assert "たしざん1" not in stranger.get(reverse("assessment:bank")).content.decode()
    assert "たしざん ドリル" not in stranger.get(reverse("assessment:marking")).content.decode()
    exported = stranger.get(reverse("assessment:export") + "?format=moodlexml").content.decode()
    assert "たしざん1" not in exported
    other = world.client_for(world.other_learner)
    assert "たしざん ドリル" not in other.get(reverse("assessment:drills")).content.decode()


def test_a_teacher_creates_a_drill_with_a_mastery_rule_from_the_course_page(world, course, bank):
    teacher = world.client_for(world.subject_teacher)
    response = teacher.post(
        reverse("courses:drill_add", args=[course.uuid]),
        {
            "title": "れんしゅう",
            "kind": "drill",
            "selection": "fixed",
            "questions": [str(bank["たしざん1"].uuid), str(bank["しゅと"].uuid)],
            "rule": "m_of_n",
            "m": "1",
            "n": "2",
            "time_limit_minutes": "10",
            "rubric": "ていねいさ:A/B/C",
        },
    )
    assert response.status_code == 302
    created = course.drills.get(title="れんしゅう")
    assert created.mastery_rule == {"kind": "m_of_n", "m": 1, "n": 2}
    assert created.time_limit_seconds == 600
    assert created.rubric == [{"name": "ていねいさ", "levels": ["A", "B", "C"]}]
    assert [i.question.name for i in created.items.all()] == ["たしざん1", "しゅと"]


def test_the_marking_page_counts_attempts_waiting_for_the_teacher(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=4, answer="うみ", actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    body = (
        world.client_for(world.subject_teacher).get(reverse("assessment:marking")).content.decode()
    )
    assert 'data-testid="to-mark">1<' in body


def test_a_teacher_writes_questions_in_gift_on_the_page(world):
    teacher = world.client_for(world.subject_teacher)
    bad = teacher.post(reverse("assessment:bank"), {"gift_text": "::a:: 1+1 {=2 ~3}\n\n::b:: {#x}"})
    assert bad.status_code == 400
    assert "行 3: " in bad.content.decode()
    assert "::b:: {#x}" in bad.content.decode()  # what was typed is kept for fixing
    good = teacher.post(reverse("assessment:bank"), {"gift_text": "::a:: ｜漢字《かんじ》 {=2 ~3}"})
    assert good.status_code == 302
    assert Question.objects.get(school=world.school).text == "｜漢字《かんじ》"


def test_the_drill_page_shows_how_many_got_each_question_right(world, drill):
    for learner, answer in [(world.learner, 0), (world.classmate, 1)]:
        attempt = services.attempt_start(drill=drill, learner=learner, actor=SYSTEM)
        services.response_save(attempt=attempt, slot=1, answer=answer, actor=SYSTEM)
        services.attempt_finish(attempt=attempt, actor=SYSTEM)
    page = world.client_for(world.subject_teacher).get(
        reverse("assessment:marking_drill", args=[drill.uuid])
    )
    body = page.content.decode()
    assert "<td>たしざん1</td><td>2</td><td>1 (50%)</td>" in body


def test_a_test_gives_no_right_or_wrong_until_it_is_finished(world, course, bank):
    test = services.drill_create(
        course=course, title="テスト", kind="test", questions=[bank["たしざん1"], bank["しゅと"]]
    )
    client = world.client_for(world.learner)
    client.post(reverse("assessment:drill_start", args=[test.uuid]))
    attempt = Attempt.objects.get(learner=world.learner, drill=test)
    url = reverse("assessment:question", args=[attempt.uuid, 1])
    saved = client.post(url, {"choice": "0"})
    assert saved.url == reverse("assessment:question", args=[attempt.uuid, 2])
    peek = client.get(url + "?saved=1").content.decode()
    assert 'data-testid="feedback"' not in peek
    assert "せいかい" not in peek
    client.post(url, {"choice": "1"})
    client.post(reverse("assessment:question", args=[attempt.uuid, 2]), {"value": "大阪"})
    client.post(reverse("assessment:attempt_finish", args=[attempt.uuid]))
    result = client.get(reverse("assessment:attempt", args=[attempt.uuid])).content.decode()
    assert "東京 / とうきょう / Tokyo" not in result  # no answers while another try is possible


def test_a_teacher_edits_an_unused_question_in_gift_and_not_a_used_one(world, bank, drill):
    teacher = world.client_for(world.subject_teacher)
    moon = bank["つき"]
    url = reverse("assessment:question_detail", args=[moon.uuid])
    page = teacher.get(url).content.decode()
    assert "::つき::" in page  # its GIFT source, ready to edit
    bad = teacher.post(url, {"source": "::つき:: {#x}"})
    assert bad.status_code == 400
    assert "行 1: " in bad.content.decode()
    ok = teacher.post(url, {"source": "::つき:: つきは じぶんで ひかる。 {FALSE#ちがうよ#そう!}"})
    assert ok.status_code == 302
    moon.refresh_from_db()
    assert moon.text == "つきは じぶんで ひかる。"
    assert moon.spec["feedback_false"] == "そう!"
    # Ordering cannot be written in GIFT: its source is Moodle XML.
    order = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.xml").read_bytes(), fmt="moodlexml"
    )[6]
    assert '<question type="ordering">' in teacher.get(
        reverse("assessment:question_detail", args=[order.uuid])
    ).content.decode().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    # A question that has been answered stays as it was.
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=1, answer=0, actor=SYSTEM)
    used = bank["たしざん1"]
    refused = teacher.post(
        reverse("assessment:question_detail", args=[used.uuid]), {"source": "::x:: y {=1 ~2}"}
    )
    assert refused.status_code == 400
    used.refresh_from_db()
    assert used.name == "たしざん1"


def test_unanswered_questions_are_shown_as_unanswered_not_as_waiting(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    body = world.client_for(world.learner).get(reverse("assessment:attempt", args=[attempt.uuid]))
    text = body.content.decode()
    assert text.count("こたえて いない") == 4
    assert "先生が みています" not in text
