"""Who may reach school-affairs records: the permission matrix, field limits, same-404."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from terakoya.attendance import access, services
from terakoya.core import clock
from terakoya.privacy.gate import Actor, NotFound
from terakoya.privacy.models import AuditEntry
from terakoya.roster import services as roster
from terakoya.roster.models import Role
from terakoya.testing import assert_same_not_found

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(world):
    """A 健康診断票 for the learner, entered by the nurse."""
    nurse = Actor.for_person(world.nurse)
    learner, school = access.access_health_for_entry(nurse, world.learner.uuid)
    return services.health_record_save(
        actor=nurse,
        learner=learner,
        school=school,
        school_year=world.year,
        values={
            "checked_on": max(world.year.start_date, clock.today() - dt.timedelta(days=1)),
            "height_cm": "131.4",
            "weight_kg": "28.9",
            "vision_right": "A",
            "vision_left": "B",
            "allergies": "卵・そば",
            "conditions": "ぜん息(経過観察)",
            "nurse_notes": "運動時の吸入薬あり",
        },
    )


def _health_page(world, persona, learner_uuid):
    return world.client_for(world.persona(persona)).get(
        f"/attendance/health/learners/{learner_uuid}/"
    )


@pytest.mark.parametrize("persona", ["nurse", "guardian", "learner"])
def test_the_nurse_the_guardian_and_the_learner_see_every_health_field(world, health, persona):
    page = _health_page(world, persona, world.learner.uuid)
    assert page.status_code == 200
    text = page.content.decode()
    for value in ("卵・そば", "ぜん息", "運動時の吸入薬", "131.4"):
        assert value in text
    assert page["Cache-Control"].startswith("no-store")


def test_the_homeroom_teacher_sees_only_the_fields_the_school_marked(world, health):
    page = _health_page(world, "homeroom_teacher", world.learner.uuid)
    assert page.status_code == 200
    text = page.content.decode()
    assert "卵・そば" in text  # allergies: marked by default
    for hidden in ("ぜん息", "運動時の吸入薬", "131.4", "28.9"):
        assert hidden not in text


def test_marking_more_fields_shows_them_to_the_homeroom_teacher(world, health):
    admin = Actor.for_person(world.school_admin)
    services.policy_set(
        actor=admin, school=world.school, health_teaching_fields=["allergies", "conditions"]
    )
    view = access.access_health_records(
        Actor.for_person(world.homeroom_teacher), world.learner.uuid
    )
    assert view.fields == ("allergies", "conditions")


def test_with_no_field_marked_the_homeroom_teacher_gets_the_same_404(world, health):
    admin = Actor.for_person(world.school_admin)
    services.policy_set(actor=admin, school=world.school, health_teaching_fields=[])
    assert _health_page(world, "homeroom_teacher", world.learner.uuid).status_code == 404


@pytest.mark.parametrize(
    "persona", ["subject_teacher", "principal", "school_admin", "stranger", "board_analyst"]
)
def test_others_cannot_read_health_fields_the_school_has_not_marked(world, health, persona):
    forbidden = _health_page(world, persona, world.learner.uuid)
    missing = _health_page(world, persona, uuid.uuid4())
    assert_same_not_found(forbidden, missing)


def test_every_health_read_is_audited_even_the_learners_own(world, health):
    for persona in ("nurse", "guardian", "learner", "homeroom_teacher"):
        before = AuditEntry.objects.filter(action="health.record.read").count()
        assert _health_page(world, persona, world.learner.uuid).status_code == 200
        entries = AuditEntry.objects.filter(action="health.record.read").order_by("-id")
        assert entries.count() == before + 1
        assert entries[0].subject_uuid == world.learner.uuid
        assert entries[0].purpose == "health_management"


def test_a_denied_health_read_is_audited_as_denied(world, health):
    before = AuditEntry.objects.filter(outcome="denied").count()
    _health_page(world, "subject_teacher", world.learner.uuid)
    assert AuditEntry.objects.filter(outcome="denied").count() == before + 1


def test_only_the_nurse_enters_health_records(world):
    for persona in ("homeroom_teacher", "guardian", "school_admin"):
        with pytest.raises(NotFound):
            access.access_health_for_entry(
                Actor.for_person(world.persona(persona)), world.learner.uuid
            )
    client = world.client_for(world.homeroom_teacher)
    assert client.get(f"/attendance/health/learners/{world.learner.uuid}/edit/").status_code == 404


def test_the_nurse_saves_a_record_through_the_page(world):
    client = world.client_for(world.nurse)
    url = f"/attendance/health/learners/{world.learner.uuid}/edit/"
    response = client.post(
        url,
        {"checked_on": clock.today().isoformat(), "height_cm": "130.0", "allergies": "なし"},
    )
    assert response.status_code == 302
    page = client.get(f"/attendance/health/learners/{world.learner.uuid}/")
    assert "130.0" in page.content.decode()


# --------------------------------------------------------------------------- the register


@pytest.mark.parametrize("path", ["register/", "summary/", "summary/csv/"])
def test_a_stranger_gets_the_same_404_as_for_a_class_that_does_not_exist(world, path):
    client = world.client_for(world.stranger)
    forbidden = client.get(f"/attendance/classes/{world.homeroom.uuid}/{path}")
    missing = client.get(f"/attendance/classes/{uuid.uuid4()}/{path}")
    assert_same_not_found(forbidden, missing)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("homeroom_teacher", 200),
        ("school_admin", 200),
        ("subject_teacher", 404),
        ("guardian", 404),
        ("learner", 404),
        ("nurse", 404),
        ("stranger", 404),
    ],
)
def test_who_may_take_the_register(world, persona, status):
    client = world.client_for(world.persona(persona))
    assert client.get(f"/attendance/classes/{world.homeroom.uuid}/register/").status_code == status


def test_the_register_page_defaults_everyone_to_present(world):
    client = world.client_for(world.homeroom_teacher)
    text = client.get(f"/attendance/classes/{world.homeroom.uuid}/register/").content.decode()
    for person in (world.learner, world.classmate):
        assert f'name="status-{person.uuid}" value="present" checked' in text


# --------------------------------------------------------------------------- notices


@pytest.fixture
def other_guardian(world):
    person = roster.person_create(family_name="佐藤", given_name="美和")
    roster.user_for_person(person=person, username="other_guardian", password="pw-123456789")
    roster.membership_create(
        person=person,
        role=Role.GUARDIAN,
        board=world.board,
        school=world.school,
        begin_date=world.year.start_date,
    )
    roster.guardian_link_create(
        guardian=person,
        learner=world.classmate,
        relationship="母",
        begin_date=world.year.start_date,
    )
    return person


def _send(world, guardian, learner):
    actor = Actor.for_person(guardian)
    child, school = access.access_notice_learner(actor, learner.uuid)
    today = clock.today()
    return services.notice_send(
        actor=actor,
        learner=child,
        school=school,
        kind="absent",
        first_date=today,
        last_date=today,
        reason="illness",
        symptoms=["fever"],
        message="熱が38度あります",
    )


def test_a_guardian_sees_only_their_own_childs_notice(world, other_guardian):
    notice = _send(world, world.guardian, world.learner)
    own = world.client_for(world.guardian).get(f"/attendance/notices/{notice.uuid}/")
    assert own.status_code == 200
    assert "熱が38度あります" in own.content.decode()
    other = world.client_for(other_guardian)
    forbidden = other.get(f"/attendance/notices/{notice.uuid}/")
    missing = other.get(f"/attendance/notices/{uuid.uuid4()}/")
    assert_same_not_found(forbidden, missing)
    assert "山田" not in other.get("/attendance/notices/").content.decode()


def test_a_guardian_cannot_send_a_notice_for_someone_elses_child(world):
    with pytest.raises(NotFound):
        access.access_notice_learner(Actor.for_person(world.guardian), world.classmate.uuid)
    response = world.client_for(world.guardian).post(
        "/attendance/notices/new/",
        {
            "learner": str(world.classmate.uuid),
            "kind": "absent",
            "reason": "illness",
            "first_date": clock.today().isoformat(),
        },
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status", "symptoms"),
    [
        ("homeroom_teacher", 200, True),
        ("nurse", 200, True),
        ("school_admin", 200, False),
        ("subject_teacher", 404, False),
        ("stranger", 404, False),
    ],
)
def test_staff_read_notices_with_symptoms_only_where_health_is_allowed(
    world, persona, status, symptoms
):
    notice = _send(world, world.guardian, world.learner)
    page = world.client_for(world.persona(persona)).get(f"/attendance/notices/{notice.uuid}/")
    assert page.status_code == status
    if status == 200:
        assert ("発熱" in page.content.decode()) is symptoms


def test_a_guardian_sees_only_their_own_childs_health_record(world, health, other_guardian):
    forbidden = world.client_for(other_guardian).get(
        f"/attendance/health/learners/{world.learner.uuid}/"
    )
    assert forbidden.status_code == 404


# --------------------------------------------------------------------------- a learner's record


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("guardian", 200),
        ("learner", 200),
        ("homeroom_teacher", 200),
        ("school_admin", 200),
        ("subject_teacher", 404),
        ("stranger", 404),
        ("board_analyst", 404),
    ],
)
def test_who_reads_a_learners_attendance_record(world, persona, status):
    page = world.client_for(world.persona(persona)).get(
        f"/attendance/learners/{world.learner.uuid}/"
    )
    assert page.status_code == status


def test_a_guardian_reads_only_their_own_childs_attendance(world, other_guardian):
    client = world.client_for(other_guardian)
    forbidden = client.get(f"/attendance/learners/{world.learner.uuid}/")
    missing = client.get(f"/attendance/learners/{uuid.uuid4()}/")
    assert_same_not_found(forbidden, missing)
    # Their own records page goes straight to their one child.
    response = client.get("/attendance/records/")
    assert response["Location"] == f"/attendance/learners/{world.classmate.uuid}/"


def test_the_register_speaks_english_when_asked(world):
    from django.conf import settings

    client = world.client_for(world.homeroom_teacher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = client.get(f"/attendance/classes/{world.homeroom.uuid}/register/").content.decode()
    assert "Save the register" in text
    assert "Absent" in text


def test_a_school_with_periods_keeps_a_register_per_period_apart_from_the_day(world):
    from terakoya.attendance import selectors as sel

    today = clock.today()
    admin = Actor.for_person(world.school_admin)
    if not sel.is_school_day(school=world.school, day=today):
        services.calendar_set_open(actor=admin, school=world.school, day=today, label="t")
    client = world.client_for(world.homeroom_teacher)
    url = f"/attendance/classes/{world.homeroom.uuid}/register/"
    assert client.get(url + "?period=2").status_code == 404  # no periods yet
    services.policy_set(actor=admin, school=world.school, periods_per_day=6)
    assert "2時限" in client.get(url + "?period=2").content.decode()
    client.post(url + "?period=2", {f"status-{world.learner.uuid}": "late"})
    assert (
        sel.register_entries(school_class=world.homeroom, day=today, period=2)[
            world.learner.pk
        ].status
        == "late"
    )
    assert sel.register_entries(school_class=world.homeroom, day=today) == {}
    start, end = today.replace(day=1), today
    summary = sel.learner_summary(
        learner=world.learner, school_class=world.homeroom, start=start, end=end
    )
    assert summary.late == 0  # period entries do not count towards the day figures


def test_notice_reads_are_audited_under_the_readers_own_role(world):
    from terakoya.attendance import selectors as sel

    today = clock.today()
    admin = Actor.for_person(world.school_admin)
    if not sel.is_school_day(school=world.school, day=today):
        services.calendar_set_open(actor=admin, school=world.school, day=today, label="t")
    _send(world, world.guardian, world.learner)
    for persona, role in (
        ("school_admin", "school_admin"),
        ("homeroom_teacher", "homeroom_teacher"),
    ):
        world.client_for(world.persona(persona)).get(
            f"/attendance/classes/{world.homeroom.uuid}/register/"
        )
        entry = AuditEntry.objects.filter(action="attendance.notice.read").order_by("-id")[0]
        assert (entry.actor_role, entry.subject_uuid) == (role, world.learner.uuid)


def test_the_nurse_lists_the_schools_classes_for_health_records(world):
    page = world.client_for(world.nurse).get("/attendance/health/")
    assert page.status_code == 200
    assert f"/attendance/health/learners/{world.learner.uuid}/" in page.content.decode()
    entry = AuditEntry.objects.filter(action="class.roster.read").order_by("-id")[0]
    assert entry.purpose == "health_management"
    assert world.client_for(world.subject_teacher).get("/attendance/health/").status_code == 404
