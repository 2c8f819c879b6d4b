"""Statement construction on its own: shapes, Japan profile extensions, no names."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from terakoya.assessment import xapi

CTX = xapi.LearningContext(
    base_url="https://terakoya.example",
    home_page="https://terakoya.example/schools/5b7e",
    course_uuid=uuid.UUID(int=1),
    course_title="3年 理科",
    subject="P040",
    grade="P3",
    codes=("8220233111000000",),
)
LEARNER = uuid.UUID(int=7)
AT = dt.datetime(2026, 11, 27, 1, 2, 3, 456000, tzinfo=dt.UTC)
DRILL = xapi.Activity(kind="drill", key=uuid.UUID(int=2), title="たしざん")
QUESTION = xapi.Activity(
    kind="question",
    key=uuid.UUID(int=3),
    title="3+4",
    activity_type=xapi.TYPE_INTERACTION,
    interaction_type="choice",
    codes=("8220265232000000",),
)


def _answered():
    return xapi.statement_build(
        event="answered",
        ctx=CTX,
        learner_uuid=LEARNER,
        activity=QUESTION,
        parent=DRILL,
        at=AT,
        statement_id=uuid.UUID(int=9),
        registration=uuid.UUID(int=4),
        result=xapi.score_result(raw=1, maximum=1, success=True, response="0"),
    )


def test_the_actor_is_an_account_with_the_school_url_and_the_learner_uuid_only():
    statement = _answered()
    assert statement["actor"] == {
        "objectType": "Agent",
        "account": {
            "homePage": "https://terakoya.example/schools/5b7e",
            "name": "00000000-0000-0000-0000-000000000007",
        },
    }
    assert "name" not in statement["actor"]
    assert "mbox" not in json.dumps(statement)


def test_statement_carries_the_lms_profile_required_properties():
    s = _answered()
    assert s["id"] == "00000000-0000-0000-0000-000000000009"
    assert s["timestamp"] == "2026-11-27T01:02:03.456Z"
    assert s["version"] == "2.0.0"
    assert s["verb"] == {
        "id": "http://adlnet.gov/expapi/verbs/answered",
        "display": {"en": "answered", "ja-JP": "解答した"},
    }
    assert s["object"]["id"] == "https://terakoya.example/xapi/activities/question/" + str(
        uuid.UUID(int=3)
    )
    assert s["object"]["definition"]["type"] == xapi.TYPE_INTERACTION
    assert s["object"]["definition"]["interactionType"] == "choice"
    assert s["context"]["language"] == "ja-JP"
    assert s["context"]["platform"] == "Terakoya"
    assert s["context"]["registration"] == str(uuid.UUID(int=4))
    assert s["context"]["contextActivities"]["category"] == [
        {"objectType": "Activity", "id": "https://w3id.org/xapi/jpedudataspec/v/1"}
    ]
    parent = s["context"]["contextActivities"]["parent"][0]
    assert parent["id"].endswith("/xapi/activities/drill/" + str(uuid.UUID(int=2)))
    assert s["result"] == {
        "score": {"raw": 1, "min": 0, "max": 1, "scaled": 1.0},
        "success": True,
        "response": "0",
    }


def test_japan_extensions_name_subject_grade_and_the_question_code():
    ext = _answered()["context"]["extensions"]
    assert ext == {
        "https://w3id.org/japan-xapi/extensions/subject": "P040",
        "https://w3id.org/japan-xapi/extensions/grade": "P3",
        "https://w3id.org/japan-xapi/extensions/course-of-study-code": ["8220265232000000"],
    }


def test_feedback_names_the_teacher_by_account_as_instructor():
    teacher = uuid.UUID(int=11)
    s = xapi.statement_build(
        event="feedback",
        ctx=CTX,
        learner_uuid=LEARNER,
        activity=DRILL,
        at=AT,
        statement_id=uuid.uuid4(),
        instructor_uuid=teacher,
    )
    assert s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/responded"
    assert s["context"]["instructor"] == xapi.account_agent(CTX.home_page, teacher)
    assert s["actor"]["account"]["name"] == str(LEARNER)


def test_essay_text_never_goes_into_a_statement():
    assert xapi.response_text("essay", "山田花子さんと遊んだ") is None
    assert xapi.response_text("multiple", [0, 2]) == "0[,]2"
    assert xapi.response_text("truefalse", False) == "false"


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError, match="naive"):
        xapi.statement_build(
            event="launched",
            ctx=CTX,
            learner_uuid=LEARNER,
            activity=DRILL,
            at=dt.datetime(2026, 1, 1),  # noqa: DTZ001
            statement_id=uuid.uuid4(),
        )
