"""The school administrator's calendar, alert rules and health-field choices."""

from __future__ import annotations

import datetime as dt

import pytest

from terakoya.attendance import selectors
from terakoya.attendance.models import AlertRule

pytestmark = pytest.mark.django_db


def test_the_administrator_closes_a_weekday_and_it_is_no_longer_a_school_day(world):
    client = world.client_for(world.school_admin)
    monday = dt.date(world.year.year, 7, 20)  # 海の日 2026 is Monday 20 July
    while monday.weekday() != 0:
        monday += dt.timedelta(days=1)
    assert selectors.is_school_day(school=world.school, day=monday)
    client.post(
        "/attendance/settings/",
        {"action": "closed", "first": monday.isoformat(), "label": "海の日"},
    )
    assert not selectors.is_school_day(school=world.school, day=monday)
    assert "海の日" in client.get("/attendance/settings/").content.decode()
    client.post("/attendance/settings/", {"action": "clear", "day": monday.isoformat()})
    assert selectors.is_school_day(school=world.school, day=monday)


def test_the_administrator_adds_and_pauses_an_alert_rule(world):
    client = world.client_for(world.school_admin)
    client.post(
        "/attendance/settings/",
        {"action": "rule", "kind": "window", "threshold": "5", "window_days": "30"},
    )
    rule = AlertRule.objects.get(school=world.school)
    assert (rule.kind, rule.threshold, rule.window_days, rule.active) == ("window", 5, 30, True)
    client.post("/attendance/settings/", {"action": "rule_off", "rule": str(rule.uuid)})
    rule.refresh_from_db()
    assert rule.active is False


def test_marking_a_health_field_for_teachers_through_the_page(world):
    client = world.client_for(world.school_admin)
    client.post(
        "/attendance/settings/",
        {
            "action": "policy",
            "periods_per_day": "6",
            "health_teaching_fields": ["allergies", "conditions"],
        },
    )
    policy = selectors.policy_for(world.school)
    assert policy.health_teaching_fields == ["allergies", "conditions"]
    assert policy.periods_per_day == 6


@pytest.mark.parametrize(
    "persona", ["homeroom_teacher", "principal", "nurse", "guardian", "stranger"]
)
def test_only_the_administrator_opens_the_settings(world, persona):
    assert world.client_for(world.persona(persona)).get("/attendance/settings/").status_code == 404


def test_a_board_administrator_switches_xapi_statements_on(world):
    from terakoya.attendance import services
    from terakoya.roster import services as roster

    admin = roster.person_create(family_name="森", given_name="学")
    roster.user_for_person(person=admin, username="board_admin", password="pw-123456789")
    roster.membership_create(
        person=admin,
        role="board_admin",
        board=world.board,
        school=None,
        begin_date=world.year.start_date,
    )
    assert services.xapi_statements_enabled(world.board) is False
    client = world.client_for(admin)
    assert client.get("/attendance/board/").status_code == 200
    client.post("/attendance/board/", {"xapi": "on"})
    assert services.xapi_statements_enabled(world.board) is True
    client.post("/attendance/board/", {})
    assert services.xapi_statements_enabled(world.board) is False
    for persona in ("school_admin", "board_analyst", "principal"):
        assert world.client_for(world.persona(persona)).get("/attendance/board/").status_code == 404


def test_the_homeroom_teacher_records_the_class_health_check(world):
    client = world.client_for(world.homeroom_teacher)
    url = f"/attendance/classes/{world.homeroom.uuid}/observation/"
    client.post(
        url,
        {f"condition-{world.learner.uuid}": "unwell", f"temperature-{world.learner.uuid}": "37.9"},
    )
    morning = client.get("/attendance/morning/").content.decode()
    assert "健康観察で体調不良" in morning
    assert "37.9" in morning
    assert world.client_for(world.subject_teacher).get(url).status_code == 404
