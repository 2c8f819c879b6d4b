"""The board's switch for attendance as xAPI statements (off by default)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from terakoya.attendance import services, xapi
from terakoya.attendance.services import Mark
from terakoya.core import clock
from terakoya.privacy.gate import Actor

LEARNER = uuid.UUID("11111111-1111-4111-8111-111111111111")
SCHOOL = uuid.UUID("22222222-2222-4222-8222-222222222222")
KLASS = uuid.UUID("33333333-3333-4333-8333-333333333333")
AT = dt.datetime(2026, 6, 2, 0, 5, tzinfo=dt.UTC)


def _statement(status="absent"):
    return xapi.attendance_statement(
        learner_uuid=LEARNER,
        school_uuid=SCHOOL,
        class_uuid=KLASS,
        day=dt.date(2026, 6, 2),
        period=0,
        status=status,
        recorded_at=AT,
    )


def test_the_statement_names_the_learner_by_uuid_and_carries_only_the_status():
    statement = _statement()
    assert statement["actor"]["account"] == {
        "homePage": "urn:terakoya:learner",
        "name": str(LEARNER),
    }
    assert statement["verb"]["id"] == xapi.ABSENT
    assert statement["result"] == {"extensions": {xapi.STATUS_EXTENSION: "absent"}}
    assert statement["timestamp"] == "2026-06-02T00:05:00+00:00"
    text = repr(statement)
    for absent_detail in ("illness", "病気", "note", "symptom"):
        assert absent_detail not in text


def test_late_counts_as_attended_and_ids_are_deterministic():
    assert _statement("late")["verb"]["id"] == xapi.ATTENDED
    assert _statement("late")["id"] == _statement("late")["id"]
    assert _statement("late")["id"] != _statement("absent")["id"]


@pytest.mark.django_db
def test_the_adapter_stores_attendance_in_the_schools_lrs(world):
    from terakoya.records.models import Statement

    statement = xapi.attendance_statement(
        learner_uuid=world.learner.uuid,
        school_uuid=world.school.uuid,
        class_uuid=world.homeroom.uuid,
        day=dt.date(2026, 6, 2),
        period=0,
        status="absent",
        recorded_at=AT,
    )
    assert xapi.send_statements([statement], school_uuid=world.school.uuid) == 1
    stored = Statement.objects.get(statement_id=statement["id"])
    assert stored.learner_id == world.learner.pk
    # Sending the same day and status again is idempotent (deterministic id, same content).
    assert xapi.send_statements([statement], school_uuid=world.school.uuid) == 1
    assert Statement.objects.filter(statement_id=statement["id"]).count() == 1


@pytest.mark.django_db
def test_statements_are_off_by_default_and_queued_when_the_board_enables_them(
    world, django_capture_on_commit_callbacks
):
    assert services.xapi_statements_enabled(world.board) is False
    teacher = Actor.for_person(world.homeroom_teacher)
    day = max(world.year.start_date, clock.today() - dt.timedelta(days=1))
    services.calendar_set_open(actor=teacher, school=world.school, day=day, label="t")
    with django_capture_on_commit_callbacks() as callbacks:
        services.register_save(
            actor=teacher,
            school_class=world.homeroom,
            day=day,
            learners=[world.learner, world.classmate],
            marks={world.learner.uuid: Mark(status="late")},
        )
    assert callbacks == []
    services.board_set_xapi_statements(actor=teacher, board=world.board, enabled=True)
    with django_capture_on_commit_callbacks() as callbacks:
        services.register_save(
            actor=teacher,
            school_class=world.homeroom,
            day=day,
            learners=[world.learner, world.classmate],
            marks={world.learner.uuid: Mark(status="absent", reason="illness")},
        )
    assert len(callbacks) == 1
