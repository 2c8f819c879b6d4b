"""The demo hook seeds a bank tagged with real codes, a course with units and a drill per class."""

from __future__ import annotations

from terakoya.assessment import demo
from terakoya.assessment.models import Drill, Question
from terakoya.courses.models import Assignment, Course, Unit
from terakoya.roster.demo_context import DemoClass, DemoContext, DemoSchool


def test_the_demo_seed_creates_courses_units_questions_and_a_drill_per_class(world):
    ctx = DemoContext(
        board=world.board,
        year=world.year,
        schools=[
            DemoSchool(
                school=world.school,
                homerooms=[DemoClass(world.homeroom, world.homeroom_teacher, [world.learner])],
                subject_classes=[],
                principal=world.principal,
                nurse=world.nurse,
                school_admin=world.school_admin,
                teachers=[world.homeroom_teacher],
            )
        ],
        guardians_of={},
        board_analyst=world.board_analyst,
    )
    demo.seed(ctx)
    assert Question.objects.filter(school=world.school).count() == 10
    assert set(Question.objects.values_list("qtype", flat=True)) == {
        "single",
        "truefalse",
        "matching",
        "short",
        "cloze",
        "essay",
        "numeric",
        "ordering",
    }
    course = Course.objects.get(school_class=world.homeroom)
    unit = Unit.objects.get(course=course)
    assert unit.codes == [demo.CODE_P3_PARENT, demo.CODE_P3_LOCAL]
    drill = Drill.objects.get(course=course)
    assert drill.items.count() == 6
    assert Assignment.objects.filter(drill=drill, target_class=world.homeroom).exists()
