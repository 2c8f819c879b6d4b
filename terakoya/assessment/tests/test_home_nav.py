"""The home page and menu offer each role its pages of this app (nav.py)."""

from __future__ import annotations


def test_learners_get_today_and_drills_teachers_get_courses_bank_and_marking(world):
    learner = world.client_for(world.learner).get("/").content.decode()
    assert 'href="/today/"' in learner
    assert 'href="/drills/"' in learner
    assert 'href="/questions/"' not in learner
    teacher = world.client_for(world.subject_teacher).get("/").content.decode()
    for path in ("/courses/", "/questions/", "/marking/"):
        assert f'href="{path}"' in teacher
    assert 'href="/drills/"' not in teacher
