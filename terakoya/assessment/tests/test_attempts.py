"""Attempts: frozen questions and mastery rule, answers saved one by one, time limits that
lose nothing, auto-marking, teacher re-marking and feedback."""

from __future__ import annotations

import datetime as dt

import pytest

from terakoya.assessment import services
from terakoya.assessment.models import Attempt, AttemptState, Drill, Response
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.guards import MyNumberRefused
from terakoya.privacy.models import AuditEntry

from .conftest import CODE


def _answer_all(attempt, answers):
    for slot, answer in enumerate(answers, start=1):
        services.response_save(attempt=attempt, slot=slot, answer=answer, actor=SYSTEM)


def test_each_answer_is_saved_and_marked_when_it_is_given(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    response, marked = services.response_save(attempt=attempt, slot=1, answer=0, actor=SYSTEM)
    assert marked.fraction == 1.0
    assert marked.feedback == ["せいかい!"]
    stored = Response.objects.get(pk=response.pk)
    assert stored.answer == 0
    assert stored.fraction == 1.0
    assert stored.answered_at is not None
    assert Response.objects.filter(attempt=attempt, answered_at__isnull=True).count() == 3


def test_starting_again_resumes_the_unfinished_attempt(world, drill):
    first = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=first, slot=1, answer=2, actor=SYSTEM)
    again = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    assert again.pk == first.pk
    assert Response.objects.get(attempt=first, slot=1).answer == 2


def test_finishing_marks_everything_and_waits_for_the_teacher_on_essays(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    _answer_all(attempt, [0, True, "東京", "なつやすみに うみへ いった"])
    attempt = services.attempt_finish(attempt=attempt, actor=SYSTEM)
    assert attempt.state == AttemptState.NEEDS_MARKING
    assert attempt.score == 3.0
    assert attempt.max_score == 4.0
    assert attempt.mastered  # 2 in a row were correct before the essay


def test_the_mastery_rule_is_frozen_into_each_attempt(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    Drill.objects.filter(pk=drill.pk).update(mastery_rule={"kind": "all"})
    _answer_all(attempt, [0, False, "東京", None])
    attempt = services.attempt_finish(attempt=attempt, actor=SYSTEM)
    assert attempt.mastery_rule == {"kind": "streak", "n": 2}
    assert not attempt.mastered  # wrong, then right: no 2 in a row
    drill.refresh_from_db()
    second = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    assert second.mastery_rule == {"kind": "all"}


def test_a_teacher_marks_the_essay_and_the_attempt_completes(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    _answer_all(attempt, [0, True, "東京", "うみ"])
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    essay = Response.objects.get(attempt=attempt, slot=4)
    attempt = services.response_mark(
        response=essay,
        points=0.5,
        comment="もうすこし",
        teacher=world.subject_teacher,
        actor=SYSTEM,
    )
    assert attempt.state == AttemptState.COMPLETED
    assert attempt.score == 3.5
    with pytest.raises(UserError):
        services.response_mark(
            response=essay, points=2, teacher=world.subject_teacher, actor=SYSTEM
        )


def test_re_marking_an_auto_marked_answer_changes_score_and_mastery(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    _answer_all(attempt, [1, True, "とうきょう!", None])
    attempt = services.attempt_finish(attempt=attempt, actor=SYSTEM)
    assert attempt.state == AttemptState.COMPLETED
    assert not attempt.mastered
    third = Response.objects.get(attempt=attempt, slot=3)
    attempt = services.response_mark(
        response=third, points=1, teacher=world.subject_teacher, actor=SYSTEM
    )
    assert attempt.score == 2.0
    assert attempt.mastered


def test_feedback_with_a_rubric_level_is_kept_for_the_learner(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    attempt = services.attempt_feedback_give(
        attempt=attempt,
        comment="よく がんばったね",
        rubric_levels={"ていねいさ": "A"},
        teacher=world.subject_teacher,
        actor=SYSTEM,
    )
    assert attempt.teacher_comment == "よく がんばったね"
    assert attempt.rubric_levels == {"ていねいさ": "A"}
    with pytest.raises(UserError):
        services.attempt_feedback_give(
            attempt=attempt,
            comment="",
            rubric_levels={"ていねいさ": "S"},
            teacher=world.subject_teacher,
            actor=SYSTEM,
        )


def test_after_the_time_limit_saved_answers_are_kept_and_the_attempt_finishes(world, course, bank):
    drill = services.drill_create(
        course=course,
        title="テスト",
        questions=[bank["たしざん1"], bank["しゅと"]],
        time_limit_seconds=60,
        kind="test",
    )
    start = clock.now()
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM, at=start)
    services.response_save(
        attempt=attempt, slot=1, answer=0, actor=SYSTEM, at=start + dt.timedelta(seconds=30)
    )
    # Within the grace period an answer sent just after the limit still counts.
    services.response_save(
        attempt=attempt, slot=2, answer="東京", actor=SYSTEM, at=start + dt.timedelta(seconds=90)
    )
    late = start + dt.timedelta(minutes=5)
    with pytest.raises(UserError) as info:
        services.response_save(attempt=attempt, slot=2, answer="大阪", actor=SYSTEM, at=late)
    assert info.value.code == "time_up"
    attempt = services.attempt_close_if_expired(attempt=attempt, actor=SYSTEM, at=late)
    assert attempt.state == AttemptState.COMPLETED
    assert attempt.score == 2.0


def test_random_selection_draws_from_the_pool_by_code_and_freezes_it(world, course, bank):
    drill = services.drill_create(
        course=course, title="ランダム", selection="random", pool_codes=[CODE], pool_size=1
    )
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    assert attempt.question_ids == [bank["たしざん1"].pk]  # the only question tagged with CODE
    with pytest.raises(UserError):
        services.drill_create(
            course=course, title="x", selection="random", pool_codes=["123"], pool_size=1
        )


def test_max_attempts_is_enforced(world, course, bank):
    drill = services.drill_create(
        course=course, title="1回", questions=[bank["たしざん1"]], max_attempts=1
    )
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    with pytest.raises(UserError) as info:
        services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    assert info.value.code == "no_attempts_left"
    assert Attempt.objects.filter(drill=drill).count() == 1


def test_a_my_number_typed_as_an_answer_is_refused_and_not_stored(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    with pytest.raises(MyNumberRefused):
        services.response_save(attempt=attempt, slot=4, answer="123456789018", actor=SYSTEM)
    assert Response.objects.get(attempt=attempt, slot=4).answer is None


def test_every_write_is_audited_with_the_learner_as_subject(world, drill):
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=1, answer=0, actor=SYSTEM)
    actions = list(
        AuditEntry.objects.filter(subject_uuid=world.learner.uuid).values_list("action", flat=True)
    )
    assert "assessment.attempt.start" in actions
    assert "assessment.response.save" in actions
