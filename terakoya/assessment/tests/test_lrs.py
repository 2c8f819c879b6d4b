"""A learner's drill attempt produces the expected xAPI statements in the school's LRS,
readable by the school's authorised client through GET /xapi/statements and invisible to
another school's client."""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.test import Client

from terakoya.assessment import services
from terakoya.core import clock
from terakoya.courses import services as courses
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.purposes import Purpose
from terakoya.records import services as lrs

from .conftest import CODE

EXT = "https://w3id.org/japan-xapi/extensions/"
V = "http://adlnet.gov/expapi/verbs/"


def _get(school, params):
    issued = lrs.lrs_client_create(
        school=school, name="先生の分析ツール", purpose=Purpose.INSTRUCTION
    )
    token = base64.b64encode(f"{issued.client.key}:{issued.secret}".encode()).decode()
    return Client().get(
        "/xapi/statements",
        params,
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_X_EXPERIENCE_API_VERSION="2.0.0",
    )


def test_a_drill_attempt_lands_in_the_lrs_for_the_school_and_nowhere_else(world, drill):
    courses.assignment_create(
        course=drill.course,
        title=drill.title,
        drill=drill,
        target_learner=world.learner,
        open_at=clock.now(),
        due_at=clock.now() + dt.timedelta(days=1),
    )
    attempt = services.attempt_start(drill=drill, learner=world.learner, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=1, answer=0, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=2, answer=False, actor=SYSTEM)
    services.response_save(attempt=attempt, slot=3, answer="東京", actor=SYSTEM)
    services.attempt_finish(attempt=attempt, actor=SYSTEM)
    services.attempt_feedback_give(
        attempt=attempt,
        comment="山田さん よくできました",
        rubric_levels={"ていねいさ": "B"},
        teacher=world.subject_teacher,
        actor=SYSTEM,
    )
    home = services.school_home_page(world.school)
    agent = {"objectType": "Agent", "account": {"homePage": home, "name": str(world.learner.uuid)}}
    ours = _get(world.school, {"agent": json.dumps(agent), "ascending": "true"})
    assert ours.status_code == 200
    statements = ours.json()["statements"]
    verbs = [s["verb"]["id"].removeprefix(V) for s in statements]
    # Statements stored in one transaction can share a `stored` instant, so compare as a set
    # with counts rather than by order.
    assert sorted(verbs) == sorted(
        [
            "shared",
            "launched",
            "answered",
            "answered",
            "answered",
            "completed",
            "scored",
            "responded",
        ]
    )
    for statement in statements:
        assert statement["actor"]["account"] == {"homePage": home, "name": str(world.learner.uuid)}
        assert statement["context"]["extensions"][EXT + "grade"] == "P3"
        assert statement["context"]["extensions"][EXT + "subject"] == "P040"
    answered = {
        s["object"]["definition"]["name"]["ja-JP"]: s
        for s in statements
        if s["verb"]["id"].endswith("answered")
    }
    assert answered["たしざん1"]["context"]["extensions"][EXT + "course-of-study-code"] == [CODE]
    assert answered["たしざん1"]["result"]["success"] is True
    assert answered["たいよう"]["result"]["success"] is False
    assert all(s["context"]["registration"] == str(attempt.uuid) for s in answered.values())
    feedback = next(s for s in statements if s["verb"]["id"].endswith("responded"))
    assert feedback["context"]["instructor"]["account"]["name"] == str(world.subject_teacher.uuid)
    text = json.dumps(statements, ensure_ascii=False)
    for name in ("山田", "花子", "高橋", world.learner.full_name):
        assert name not in text  # account identifiers only, never names (nor the comment)
    theirs = _get(world.other_school, {"agent": json.dumps(agent)})
    assert str(world.learner.uuid) not in theirs.content.decode()
    if theirs.status_code == 200:
        assert theirs.json()["statements"] == []
