"""The gate's permission matrix for roster reads, and NotFound for missing and forbidden alike."""

from __future__ import annotations

import uuid

import pytest

from terakoya.privacy.gate import Actor, NotFound, access_class_by_uuid, access_learner_by_uuid
from terakoya.privacy.models import AuditEntry
from terakoya.privacy.purposes import Purpose

pytestmark = pytest.mark.django_db

CAN_READ_LEARNER_ROSTER = {
    "learner": True,
    "guardian": True,
    "homeroom_teacher": True,
    "subject_teacher": True,
    "nurse": True,
    "school_admin": True,
    "principal": True,
    "board_analyst": False,
    "stranger": False,
}


@pytest.mark.parametrize(("persona", "allowed"), sorted(CAN_READ_LEARNER_ROSTER.items()))
def test_roster_read_matrix(world, persona, allowed):
    actor = Actor.for_person(world.persona(persona))
    purpose = Purpose.INSTRUCTION if persona != "school_admin" else Purpose.SCHOOL_ADMINISTRATION
    if allowed:
        learner, _relation = access_learner_by_uuid(actor, world.learner.uuid, purpose=purpose)
        assert learner.pk == world.learner.pk
    else:
        with pytest.raises(NotFound):
            access_learner_by_uuid(actor, world.learner.uuid, purpose=purpose)


def test_a_missing_and_a_forbidden_learner_raise_the_same_error(world):
    actor = Actor.for_person(world.stranger)
    with pytest.raises(NotFound) as forbidden:
        access_learner_by_uuid(actor, world.learner.uuid, purpose=Purpose.INSTRUCTION)
    with pytest.raises(NotFound) as missing:
        access_learner_by_uuid(actor, uuid.uuid4(), purpose=Purpose.INSTRUCTION)
    assert type(forbidden.value) is type(missing.value)
    assert str(forbidden.value) == str(missing.value)


def test_a_teacher_of_another_school_cannot_reach_the_class(world):
    actor = Actor.for_person(world.stranger)
    with pytest.raises(NotFound):
        access_class_by_uuid(actor, world.homeroom.uuid, purpose=Purpose.INSTRUCTION)
    own = access_class_by_uuid(actor, world.other_class.uuid, purpose=Purpose.INSTRUCTION)
    assert own.pk == world.other_class.pk


def test_a_guardians_read_is_audited_with_purpose_and_subject(world):
    before = AuditEntry.objects.count()
    actor = Actor.for_person(world.guardian)
    access_learner_by_uuid(actor, world.learner.uuid, purpose=Purpose.INSTRUCTION)
    entry = AuditEntry.objects.latest("id")
    assert AuditEntry.objects.count() == before + 1
    assert entry.subject_uuid == world.learner.uuid
    assert entry.actor_uuid == world.guardian.uuid
    assert entry.actor_role == "guardian"
    assert entry.purpose == "instruction"


def test_a_denied_read_is_audited_as_denied(world):
    actor = Actor.for_person(world.stranger)
    with pytest.raises(NotFound):
        access_learner_by_uuid(actor, world.learner.uuid, purpose=Purpose.INSTRUCTION)
    entry = AuditEntry.objects.latest("id")
    assert entry.outcome == "denied"
    assert entry.actor_uuid == world.stranger.uuid
