"""Every endpoint that names a record: a stranger gets exactly the 404 of a missing record."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from terakoya.attendance import access, selectors, services
from terakoya.attendance.models import AttendanceAlert
from terakoya.attendance.services import Mark
from terakoya.core import clock
from terakoya.guidance import access as guidance_access
from terakoya.guidance import services as guidance_services
from terakoya.privacy.gate import Actor
from terakoya.testing import assert_same_not_found

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    """One of everything: an alert, a notice, a health record and a guidance note."""
    admin = Actor.for_person(world.school_admin)
    teacher = Actor.for_person(world.homeroom_teacher)
    today = clock.today()
    services.alert_rule_create(actor=admin, school=world.school, kind="consecutive", threshold=1)
    day = max(world.year.start_date, today - dt.timedelta(days=1))
    if not selectors.is_school_day(school=world.school, day=day):
        services.calendar_set_open(actor=admin, school=world.school, day=day, label="t")
    services.register_save(
        actor=teacher,
        school_class=world.homeroom,
        day=day,
        learners=[world.learner, world.classmate],
        marks={world.learner.uuid: Mark(status="absent", reason="illness")},
    )
    guardian = Actor.for_person(world.guardian)
    notice = services.notice_send(
        actor=guardian,
        learner=world.learner,
        school=world.school,
        kind="absent",
        first_date=today,
        last_date=today,
        reason="illness",
    )
    learner, _r, school = guidance_access.access_learner_for_notes(teacher, world.learner.uuid)
    note = guidance_services.note_create(
        actor=teacher, learner=learner, school=school, title="t", body="b"
    )
    nurse = Actor.for_person(world.nurse)
    person, school = access.access_health_for_entry(nurse, world.learner.uuid)
    services.health_record_save(
        actor=nurse,
        learner=person,
        school=school,
        school_year=world.year,
        values={
            "checked_on": max(world.year.start_date, today - dt.timedelta(days=1)),
            "allergies": "卵",
        },
    )
    return {
        "class": world.homeroom.uuid,
        "learner": world.learner.uuid,
        "alert": AttendanceAlert.objects.get().uuid,
        "notice": notice.uuid,
        "note": note.uuid,
    }


ENDPOINTS = [
    ("GET", "/attendance/classes/{class}/register/", "class"),
    ("GET", "/attendance/classes/{class}/register/2026-06-01/", "class"),
    ("GET", "/attendance/classes/{class}/summary/", "class"),
    ("GET", "/attendance/classes/{class}/summary/csv/", "class"),
    ("GET", "/attendance/classes/{class}/observation/", "class"),
    ("POST", "/attendance/alerts/{alert}/acknowledge/", "alert"),
    ("GET", "/attendance/notices/{notice}/", "notice"),
    ("GET", "/attendance/learners/{learner}/", "learner"),
    ("GET", "/attendance/health/learners/{learner}/", "learner"),
    ("GET", "/attendance/health/learners/{learner}/edit/", "learner"),
    ("GET", "/guidance/learners/{learner}/", "learner"),
    ("GET", "/guidance/notes/{note}/", "note"),
]


@pytest.mark.parametrize(("method", "path", "key"), ENDPOINTS)
def test_a_stranger_gets_the_same_404_as_for_a_missing_record(world, records, method, path, key):
    client = world.client_for(world.stranger)
    real = path.format(**{key: records[key]})
    fake = path.format(**{key: uuid.uuid4()})
    send = client.post if method == "POST" else client.get
    assert_same_not_found(
        send(real, {"follow_up": "x"} if method == "POST" else None),
        send(fake, {"follow_up": "x"} if method == "POST" else None),
    )
    alert = AttendanceAlert.objects.get()
    assert alert.acknowledged_at is None
