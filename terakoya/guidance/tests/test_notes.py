"""Guidance notes: author and designated roles only; nobody else can read or detect one."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from terakoya.core.errors import UserError
from terakoya.guidance import access, services
from terakoya.guidance.models import GuidanceNote
from terakoya.privacy.gate import Actor, NotFound
from terakoya.privacy.guards import MyNumberRefused
from terakoya.privacy.models import AuditEntry
from terakoya.privacy.registry import PersonalData, declaration_for
from terakoya.roster import services as roster
from terakoya.roster.models import Role
from terakoya.testing import assert_same_not_found

pytestmark = pytest.mark.django_db

TITLE = "友人関係の相談"
BODY = "休み時間に一人でいることが多い。本人と面談し、保護者にも連絡した。"


@pytest.fixture
def note(world):
    actor = Actor.for_person(world.homeroom_teacher)
    learner, _relation, school = access.access_learner_for_notes(actor, world.learner.uuid)
    return services.note_create(actor=actor, learner=learner, school=school, title=TITLE, body=BODY)


@pytest.fixture
def coordinator(world):
    person = roster.person_create(family_name="松本", given_name="由美")
    roster.user_for_person(person=person, username="coordinator", password="pw-123456789")
    roster.membership_create(
        person=person,
        role=Role.SPECIAL_SUPPORT,
        board=world.board,
        school=world.school,
        begin_date=world.year.start_date,
    )
    return person


def _strip_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("reader", ["homeroom_teacher", "principal", "coordinator"])
def test_the_author_and_the_designated_roles_read_the_note(world, note, coordinator, reader):
    person = coordinator if reader == "coordinator" else world.persona(reader)
    page = world.client_for(person).get(f"/guidance/notes/{note.uuid}/")
    assert page.status_code == 200
    assert BODY in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")


@pytest.mark.parametrize(
    "persona",
    [
        "subject_teacher",
        "school_admin",
        "nurse",
        "guardian",
        "learner",
        "stranger",
        "board_analyst",
    ],
)
def test_others_get_the_same_404_as_for_a_note_that_does_not_exist(world, note, persona):
    client = world.client_for(world.persona(persona))
    forbidden = client.get(f"/guidance/notes/{note.uuid}/")
    missing = client.get(f"/guidance/notes/{uuid.uuid4()}/")
    assert_same_not_found(forbidden, missing)


def test_another_teacher_of_the_learner_cannot_detect_that_a_note_exists(world):
    client = world.client_for(world.subject_teacher)
    before_learner = client.get(f"/guidance/learners/{world.learner.uuid}/")
    before_index = client.get("/guidance/")
    assert before_learner.status_code == 200  # they may write their own notes
    actor = Actor.for_person(world.homeroom_teacher)
    learner, _r, school = access.access_learner_for_notes(actor, world.learner.uuid)
    services.note_create(actor=actor, learner=learner, school=school, title=TITLE, body=BODY)
    after_learner = client.get(f"/guidance/learners/{world.learner.uuid}/")
    after_index = client.get("/guidance/")
    # Byte for byte the same pages: no title, no count, no hint.
    assert _strip_csrf(after_learner.content.decode()) == _strip_csrf(
        before_learner.content.decode()
    )
    assert _strip_csrf(after_index.content.decode()) == _strip_csrf(before_index.content.decode())
    assert access.scope_learner_notes(Actor.for_person(world.subject_teacher), learner) == []


def test_a_school_can_change_the_designated_roles(world, note, coordinator):
    services.policy_set(
        actor=Actor.for_person(world.school_admin),
        school=world.school,
        designated_roles=["special_support"],
        retention_years=3,
    )
    with pytest.raises(NotFound):
        access.access_note_by_uuid(Actor.for_person(world.principal), note.uuid)
    assert access.access_note_by_uuid(Actor.for_person(coordinator), note.uuid) == note
    with pytest.raises(UserError):
        services.policy_set(
            actor=Actor.for_person(world.school_admin),
            school=world.school,
            designated_roles=["teacher"],
            retention_years=3,
        )


def test_a_stranger_cannot_open_the_learners_notes_page(world):
    client = world.client_for(world.stranger)
    forbidden = client.get(f"/guidance/learners/{world.learner.uuid}/")
    missing = client.get(f"/guidance/learners/{uuid.uuid4()}/")
    assert_same_not_found(forbidden, missing)


def test_reads_are_audited_and_a_denied_read_too(world, note):
    before = AuditEntry.objects.filter(action="guidance.note.read").count()
    world.client_for(world.principal).get(f"/guidance/notes/{note.uuid}/")
    world.client_for(world.subject_teacher).get(f"/guidance/notes/{note.uuid}/")
    entries = AuditEntry.objects.filter(action="guidance.note.read").order_by("id")[before:]
    assert [e.outcome for e in entries] == ["allowed", "denied"]


def test_a_note_with_a_my_number_is_refused(world):
    actor = Actor.for_person(world.homeroom_teacher)
    learner, _r, school = access.access_learner_for_notes(actor, world.learner.uuid)
    with pytest.raises(MyNumberRefused):
        services.note_create(
            actor=actor, learner=learner, school=school, title="t", body="番号は123456789018"
        )
    assert GuidanceNote.objects.count() == 0


def test_only_the_author_edits(world, note):
    with pytest.raises(UserError):
        services.note_update(
            actor=Actor.for_person(world.principal), note=note, title="x", body="y"
        )
    services.note_update(
        actor=Actor.for_person(world.homeroom_teacher), note=note, title="改", body="追記"
    )
    note.refresh_from_db()
    assert note.body == "追記"


def test_the_note_is_declared_for_the_subject_access_export(world, note):
    declaration = declaration_for(GuidanceNote)
    assert isinstance(declaration, PersonalData)
    assert declaration.exportable
    assert declaration.retention == "guidance_note"
    found = GuidanceNote.objects.filter(**{declaration.subject_path: world.learner})
    assert list(found) == [note]


def test_notes_are_swept_after_the_schools_retention(world, note):
    services.policy_set(
        actor=Actor.for_person(world.school_admin),
        school=world.school,
        designated_roles=["principal"],
        retention_years=1,
    )
    GuidanceNote.objects.filter(pk=note.pk).update(written_on=dt.date(2020, 5, 1))
    # 2020年度 ends 31 March 2021; kept one more year; deleted from 1 April 2022.
    assert services.notes_sweep(today=dt.date(2022, 3, 31)) == 0
    assert services.notes_sweep(today=dt.date(2022, 4, 1)) == 1
    assert not GuidanceNote.objects.exists()
    assert AuditEntry.objects.filter(action="guidance.note.expire").count() == 1
