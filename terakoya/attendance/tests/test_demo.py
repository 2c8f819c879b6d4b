"""The demo hooks seed registers with one alert, notices, health records and a note."""

from __future__ import annotations

import pytest

from terakoya.attendance import demo as attendance_demo
from terakoya.attendance.models import (
    AbsenceNotice,
    AttendanceAlert,
    AttendanceEntry,
    HealthRecord,
)
from terakoya.guidance import demo as guidance_demo
from terakoya.guidance.models import GuidanceNote
from terakoya.roster import services as roster
from terakoya.roster.demo_context import DemoClass, DemoContext, DemoSchool

pytestmark = pytest.mark.django_db


def test_the_demo_seed_gives_the_morning_view_something_to_show(world):
    third = roster.person_create(family_name="井上", given_name="陽菜")
    roster.membership_create(
        person=third,
        role="learner",
        board=world.board,
        school=world.school,
        grade="P3",
        begin_date=world.year.start_date,
    )
    roster.enrolment_create(
        person=third, school_class=world.homeroom, shusseki_no=3, begin_date=world.year.start_date
    )
    learners = [world.learner, world.classmate, third]
    ctx = DemoContext(
        board=world.board,
        year=world.year,
        schools=[
            DemoSchool(
                school=world.school,
                homerooms=[DemoClass(world.homeroom, world.homeroom_teacher, learners)],
                subject_classes=[],
                principal=world.principal,
                nurse=world.nurse,
                school_admin=world.school_admin,
                teachers=[world.homeroom_teacher],
            )
        ],
        guardians_of={world.learner.pk: [world.guardian]},
        board_analyst=world.board_analyst,
    )
    from terakoya.attendance import selectors
    from terakoya.core import clock

    attendance_demo.seed(ctx)
    seeded = selectors.previous_school_days(school=world.school, before=clock.today(), count=3)
    if len([d for d in seeded if d >= world.year.start_date]) < 3:
        pytest.skip("fewer than three school days of this 年度 before today (early April)")
    guidance_demo.seed(ctx)
    alert = AttendanceAlert.objects.get(learner=third, rule__kind="consecutive")
    assert len(alert.evidence) == 3
    assert AttendanceEntry.objects.filter(learner=third, status="absent").count() >= 3
    assert AbsenceNotice.objects.filter(learner=world.learner).count() == 1
    assert HealthRecord.objects.count() == 3
    assert GuidanceNote.objects.filter(learner=third, author=world.homeroom_teacher).count() == 1
