"""Absence notices reach the morning view and pre-fill the register; transparent alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from terakoya.attendance import access, selectors, services
from terakoya.attendance.models import AbsenceNotice, AttendanceAlert
from terakoya.attendance.services import Mark
from terakoya.core import clock
from terakoya.core.errors import UserError
from terakoya.privacy.gate import Actor
from terakoya.privacy.guards import MyNumberRefused
from terakoya.testing import build_world

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def school_today(world):
    """Today is a school day whatever the weekday the suite runs on."""
    today = clock.today()
    if not selectors.is_school_day(school=world.school, day=today):
        services.calendar_set_open(
            actor=Actor.for_person(world.school_admin), school=world.school, day=today, label="t"
        )
    return today


def test_a_guardians_notice_reaches_the_morning_view_and_prefills_the_register(world, school_today):
    guardian = world.client_for(world.guardian)
    sent = guardian.post(
        "/attendance/notices/new/",
        {
            "learner": str(world.learner.uuid),
            "kind": "absent",
            "first_date": school_today.isoformat(),
            "last_date": school_today.isoformat(),
            "reason": "illness",
            "symptoms": ["fever", "cough"],
            "message": "朝から熱があります",
        },
    )
    assert sent.status_code == 302
    confirmation = guardian.get(sent["Location"]).content.decode()
    assert "連絡を受け付けました" in confirmation
    assert "まだ確認されていません" in confirmation

    teacher = world.client_for(world.homeroom_teacher)
    morning = teacher.get("/attendance/morning/").content.decode()
    assert "山田 花子" in morning
    assert "朝から熱があります" in morning
    register = teacher.get(f"/attendance/classes/{world.homeroom.uuid}/register/").content.decode()
    assert f'name="status-{world.learner.uuid}" value="absent" checked' in register
    assert f'name="status-{world.classmate.uuid}" value="present" checked' in register

    saved = teacher.post(
        f"/attendance/classes/{world.homeroom.uuid}/register/",
        {
            f"status-{world.learner.uuid}": "absent",
            f"reason-{world.learner.uuid}": "illness",
            f"status-{world.classmate.uuid}": "present",
        },
    )
    assert saved.status_code == 302
    entry = selectors.register_entries(school_class=world.homeroom, day=school_today)
    assert entry[world.learner.pk].status == "absent"
    assert entry[world.learner.pk].notice is not None
    assert world.classmate.pk not in entry
    assert "確認済み" in guardian.get(sent["Location"]).content.decode()


def test_a_notice_with_a_my_number_is_refused_and_nothing_is_stored(world):
    response = world.client_for(world.guardian).post(
        "/attendance/notices/new/",
        {
            "learner": str(world.learner.uuid),
            "kind": "absent",
            "first_date": clock.today().isoformat(),
            "reason": "illness",
            "message": "番号 6214 9832 0257 です",
        },
    )
    assert response.status_code == 400
    assert "マイナンバー" in response.content.decode()
    assert AbsenceNotice.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"last_date": 20}, "last_date"),
        ({"symptoms": ["sadness"]}, "symptoms"),
        ({"kind": "late", "last_date": 1}, "last_date"),
        ({"first_date": -30, "last_date": -30}, "first_date"),
    ],
)
def test_notice_mistakes_are_refused_with_their_location(world, change, location):
    actor = Actor.for_person(world.guardian)
    today = clock.today()
    values: dict[str, Any] = {
        "kind": "absent",
        "first_date": today,
        "last_date": today,
        "reason": "illness",
    }
    for key, value in change.items():
        values[key] = today + dt.timedelta(days=value) if isinstance(value, int) else value
    with pytest.raises(UserError) as refused:
        services.notice_send(actor=actor, learner=world.learner, school=world.school, **values)
    assert refused.value.location == location
    with pytest.raises(MyNumberRefused):
        services.notice_send(
            actor=actor,
            learner=world.learner,
            school=world.school,
            kind="absent",
            first_date=today,
            last_date=today,
            reason="illness",
            message="123456789018",
        )
    assert AbsenceNotice.objects.count() == 0


# --------------------------------------------------------------------------- alerts


@pytest.fixture
def june(db):
    """2025年度 with a consecutive-absence rule (3) and a window rule (5 in 30 days)."""
    world = build_world(on=D(2025, 6, 1))
    admin = Actor.for_person(world.school_admin)
    world.rule3 = services.alert_rule_create(  # type: ignore[attr-defined]
        actor=admin, school=world.school, kind="consecutive", threshold=3
    )
    world.rule5 = services.alert_rule_create(  # type: ignore[attr-defined]
        actor=admin, school=world.school, kind="window", threshold=5, window_days=30
    )
    return world


def _absent(world, day, *people):
    teacher = Actor.for_person(world.homeroom_teacher)
    learners = [p for _e, p in access.register_learners(teacher, world.homeroom, on=day)]
    return services.register_save(
        actor=teacher,
        school_class=world.homeroom,
        day=day,
        learners=learners,
        marks={p.uuid: Mark(status="absent", reason="illness") for p in people},
    ).alerts


def test_the_consecutive_rule_fires_on_the_third_day_with_its_evidence(june):
    assert _absent(june, D(2025, 6, 12), june.learner) == []
    assert _absent(june, D(2025, 6, 13), june.learner) == []
    # Saturday and Sunday are not school days: Monday continues the run.
    alerts = _absent(june, D(2025, 6, 16), june.learner)
    assert [(a.rule_id, a.evidence) for a in alerts] == [
        (june.rule3.pk, ["2025-06-12", "2025-06-13", "2025-06-16"])
    ]
    assert alerts[0].triggered_on == D(2025, 6, 16)
    # A closed day does not break the run, and a continuing run is alerted once.
    services.calendar_set_closed(
        actor=Actor.for_person(june.school_admin),
        school=june.school,
        first=D(2025, 6, 17),
        last=D(2025, 6, 17),
        label="振替休業日",
    )
    assert _absent(june, D(2025, 6, 18), june.learner) == []
    assert AttendanceAlert.objects.filter(rule=june.rule3).count() == 1


def test_a_day_present_breaks_the_run(june):
    _absent(june, D(2025, 6, 2), june.learner)
    _absent(june, D(2025, 6, 3), june.learner)
    _absent(june, D(2025, 6, 4))  # present
    assert _absent(june, D(2025, 6, 5), june.learner) == []


def test_suspension_and_mourning_are_not_absences_for_the_rules(june):
    teacher = Actor.for_person(june.homeroom_teacher)
    for day in (D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 4)):
        result = services.register_save(
            actor=teacher,
            school_class=june.homeroom,
            day=day,
            learners=[june.learner, june.classmate],
            marks={june.learner.uuid: Mark(status="suspended")},
        )
        assert result.alerts == []


def test_the_window_rule_counts_absences_within_thirty_days(june):
    days = [D(2025, 6, 2), D(2025, 6, 4), D(2025, 6, 9), D(2025, 6, 11)]
    for day in days:
        assert _absent(june, day, june.classmate) == []
    alerts = _absent(june, D(2025, 6, 20), june.classmate)
    assert [a.rule_id for a in alerts] == [june.rule5.pk]
    assert alerts[0].evidence == [d.isoformat() for d in [*days, D(2025, 6, 20)]]


def test_a_teacher_acknowledges_an_alert_with_a_follow_up(june):
    for day in (D(2025, 6, 2), D(2025, 6, 3), D(2025, 6, 4)):
        _absent(june, day, june.learner)
    alert = AttendanceAlert.objects.get()
    client = june.client_for(june.homeroom_teacher)
    url = f"/attendance/alerts/{alert.uuid}/acknowledge/"
    client.post(url, {"follow_up": ""})
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    client.post(url, {"follow_up": "保護者に電話。回復に向かっている。"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == june.homeroom_teacher
    assert alert.follow_up == "保護者に電話。回復に向かっている。"
    # Another school's teacher gets a 404 and changes nothing.
    assert june.client_for(june.stranger).post(url, {"follow_up": "x"}).status_code == 404
    assert june.client_for(june.subject_teacher).post(url, {"follow_up": "x"}).status_code == 404
