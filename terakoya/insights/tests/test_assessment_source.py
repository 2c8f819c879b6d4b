"""Fitting mastery parameters from the assessment app's marked answers."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from terakoya.assessment import services as assessment
from terakoya.courses import services as courses
from terakoya.insights import services
from terakoya.insights.models import SkillFit
from terakoya.insights.tests.test_school_aggregate import _fill
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.models import AuditEntry
from terakoya.roster.models import Person

pytestmark = pytest.mark.django_db

CODE = "8220233111000000"
GIFT = """
// [tag:8220233111000000]
::q1:: 3 + 4 は? { =7 ~6 ~8 }

// [tag:8220233111000000]
::q2:: 5 + 2 は? { =7 ~5 ~9 }

// [tag:8220233111000000]
::q3:: 1 + 8 は? { =9 ~8 ~7 }

::nocode:: 2 + 2 は? { =4 ~3 }
"""


def make_answers(world):
    """Twelve learners answer a drill of three coded questions and one without a code."""
    course = courses.course_create(
        school_class=world.subject_class, subject="算数", subject_code="P030"
    )
    questions = assessment.questions_import(school=world.school, source=GIFT.encode(), fmt="gift")
    drill = assessment.drill_create(
        course=course,
        title="たしざん",
        questions=questions,
        mastery_rule={"kind": "all"},
    )
    learners = [world.learner, world.classmate] + [
        Person.objects.get(uuid=u) for u in _fill(world, "3年2組", "P3", 10)
    ]
    for i, learner in enumerate(learners):
        attempt = assessment.attempt_start(drill=drill, learner=learner, actor=SYSTEM)
        for slot in range(1, 5):
            # Learner i gets the first i % 4 questions wrong, the rest right.
            assessment.response_save(
                attempt=attempt, slot=slot, answer=1 if slot <= i % 4 else 0, actor=SYSTEM
            )
        assessment.attempt_finish(attempt=attempt, actor=SYSTEM)
    return learners


@pytest.fixture
def answered(world):
    return make_answers(world)


def test_marked_answers_become_bkt_responses_per_code_in_time_order(world, answered):
    responses = services.assessment_responses(board=world.board)
    # Twelve learners × three coded questions; the question without a code is left out.
    assert len(responses) == 36
    assert {r.code for r in responses} == {CODE}
    first = [r.correct for r in responses if r.learner == str(world.classmate.uuid)]
    assert len(first) == 3
    assert sum(first) == 2  # the classmate (i = 1) got the first question wrong
    assert all(r.learner for r in responses)


def test_the_nightly_command_fits_each_code_and_audits_the_read(world, answered, capsys):
    call_command("insights_fit_skills", board=world.board.code, replicates=3)
    fit = SkillFit.objects.get(code=CODE, board=world.board)
    assert fit.n_learners == 12
    assert fit.n_responses == 36
    assert len(fit.replicates) == 3
    assert "1 codes fitted" in capsys.readouterr().out
    read = AuditEntry.objects.get(action="insights.skill_fit.read")
    assert read.count == 36


def test_the_command_refuses_an_unknown_board(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="000000"):
        call_command("insights_fit_skills", board="000000")
