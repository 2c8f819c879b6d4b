"""Fixtures: a 理科 course for the world's subject class, a small bank and a drill."""

from __future__ import annotations

from pathlib import Path

import pytest

from terakoya.assessment import services
from terakoya.courses import services as courses

FIXTURES = Path(__file__).parent / "fixtures"
CODE = "8220233111000000"


@pytest.fixture
def course(world):
    return courses.course_create(
        school_class=world.subject_class, subject="理科", subject_code="P040"
    )


@pytest.fixture
def bank(world):
    questions = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.gift").read_bytes(), fmt="gift"
    )
    return {q.name: q for q in questions}


@pytest.fixture
def drill(course, bank):
    return services.drill_create(
        course=course,
        title="たしざん ドリル",
        questions=[bank["たしざん1"], bank["たいよう"], bank["しゅと"], bank["さくぶん"]],
        mastery_rule={"kind": "streak", "n": 2},
        rubric=[{"name": "ていねいさ", "levels": ["A", "B", "C"]}],
    )
