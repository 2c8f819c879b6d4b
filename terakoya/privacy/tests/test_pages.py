"""The privacy pages: consent settings, receipts, "who looked at my data", the notice."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import jwt
import pytest
from django.urls import reverse

from terakoya.core import clock
from terakoya.privacy import keys
from terakoya.privacy.audit import AuditActor, audit_record
from terakoya.privacy.consent import consent_grant
from terakoya.privacy.gate import Actor, access_learner_by_uuid
from terakoya.privacy.models import AuditEntry, ConsentEvent
from terakoya.privacy.purposes import OPTIONAL_PURPOSES, PURPOSES, Purpose
from terakoya.roster.models import Person

pytestmark = pytest.mark.django_db


def _change(client, learner, purpose, action):
    return client.post(
        reverse("privacy:consent_change", args=[learner.uuid]),
        {"purpose": purpose, "action": action},
    )


def test_a_guardian_sees_each_optional_purpose_in_plain_japanese_with_its_state(world):
    response = world.client_for(world.guardian).get(reverse("privacy:consent"))
    assert response.status_code == 200
    page = response.content.decode()
    for purpose in OPTIONAL_PURPOSES:
        info = PURPOSES[purpose]
        assert info.title_ja in page
        assert info.description_ja in page
    assert "花子さんの同意" in page
    assert page.count("同意していません") == len(OPTIONAL_PURPOSES)
    for duty in (Purpose.GRADING, Purpose.ATTENDANCE):
        assert PURPOSES[duty].title_ja not in page  # duties never ask for consent


def test_granting_and_withdrawing_take_the_same_steps_and_act_at_once(world):
    client = world.client_for(world.guardian)
    purpose = Purpose.EXTERNAL_TOOL_SHARING.value
    granted = _change(client, world.learner, purpose, "grant")
    assert granted.status_code == 302
    event = ConsentEvent.objects.get(learner=world.learner)
    assert (event.action, event.given_by_role, event.given_by_id) == (
        "grant",
        "guardian",
        world.guardian.pk,
    )
    page = client.get(reverse("privacy:consent")).content.decode()
    assert page.count('value="withdraw"') == 1
    withdrawn = _change(client, world.learner, purpose, "withdraw")
    assert withdrawn.status_code == granted.status_code
    assert withdrawn["Location"] == granted["Location"]
    latest = ConsentEvent.objects.filter(learner=world.learner).latest("at", "id")
    assert latest.action == "withdraw"
    assert 'value="withdraw"' not in client.get(reverse("privacy:consent")).content.decode()


def test_a_duty_cannot_be_consented_to_or_withdrawn(world):
    client = world.client_for(world.guardian)
    response = _change(client, world.learner, Purpose.GRADING.value, "withdraw")
    assert response.status_code == 400
    assert not ConsentEvent.objects.exists()


def test_nobody_but_a_guardian_or_an_old_enough_learner_can_change_consent(world):
    purpose = Purpose.INDIVIDUAL_RESEARCH.value
    for person in (world.homeroom_teacher, world.stranger, world.school_admin, world.learner):
        response = _change(world.client_for(person), world.learner, purpose, "grant")
        assert response.status_code == 404, person
    missing = world.client_for(world.guardian).post(
        reverse("privacy:consent_change", args=[uuid.uuid4()]),
        {"purpose": purpose, "action": "grant"},
    )
    assert missing.status_code == 404
    assert not ConsentEvent.objects.exists()


def test_a_learner_decides_from_the_age_the_board_sets(world):
    today = clock.today()
    Person.objects.filter(pk=world.learner.pk).update(
        birth_date=today.replace(year=today.year - 14)
    )
    client = world.client_for(world.learner)
    assert "自分の同意" in client.get(reverse("privacy:consent")).content.decode()
    assert (
        _change(client, world.learner, Purpose.INDIVIDUAL_RESEARCH.value, "grant").status_code
        == 302
    )
    assert ConsentEvent.objects.get().given_by_role == "learner"
    # One day short of the board's age (13 by default): the guardian decides.
    Person.objects.filter(pk=world.learner.pk).update(
        birth_date=today.replace(year=today.year - 13) + dt.timedelta(days=1)
    )
    page = client.get(reverse("privacy:consent")).content.decode()
    assert "保護者の方が決めます" in page
    response = _change(client, world.learner, Purpose.INDIVIDUAL_RESEARCH.value, "withdraw")
    assert response.status_code == 404


def test_a_signed_receipt_and_a_readable_one_can_be_downloaded(world):
    event = consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.STUDY_LOG_TRANSFER,
    )
    client = world.client_for(world.guardian)
    jws = client.get(reverse("privacy:consent_receipt", args=[event.uuid, "jws"]))
    assert jws.status_code == 200
    assert "attachment" in jws["Content-Disposition"]
    claims = jwt.decode(jws.content.decode(), keys.public_key(), algorithms=["EdDSA"])
    assert claims["consentReceiptID"] == str(event.uuid)
    assert claims["piiPrincipalId"] == str(world.learner.uuid)
    readable = client.get(reverse("privacy:consent_receipt", args=[event.uuid, "json"]))
    document = json.loads(readable.content)
    assert "同意しました" in document["summary_ja"]
    assert document["claims"]["action"] == "grant"
    # The learner may download it too; nobody else, and a wrong id looks the same.
    own = world.client_for(world.learner).get(
        reverse("privacy:consent_receipt", args=[event.uuid, "json"])
    )
    assert own.status_code == 200
    for person in (world.homeroom_teacher, world.stranger, world.classmate):
        response = world.client_for(person).get(
            reverse("privacy:consent_receipt", args=[event.uuid, "jws"])
        )
        assert response.status_code == 404
    assert (
        client.get(reverse("privacy:consent_receipt", args=[uuid.uuid4(), "jws"])).status_code
        == 404
    )


def test_the_public_key_verifies_receipts_anywhere(client):
    response = client.get(reverse("privacy:public_key"))
    assert response.status_code == 200
    assert response.content.decode().startswith("-----BEGIN PUBLIC KEY-----")


def _teacher_reads_learner(world) -> None:
    actor = Actor.for_person(world.homeroom_teacher)
    access_learner_by_uuid(actor, world.learner.uuid, purpose=Purpose.INSTRUCTION)


def test_a_guardian_sees_who_looked_at_the_childs_data_with_name_role_purpose_and_time(world):
    _teacher_reads_learner(world)
    entry = AuditEntry.objects.filter(actor_uuid=world.homeroom_teacher.uuid).latest("id")
    response = world.client_for(world.guardian).get(reverse("privacy:access_log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "田中 誠" in page  # the staff member's name
    assert "担任の先生" in page
    assert "授業・学習指導" in page
    assert "基本情報を見ました" in page
    assert entry.at.astimezone(clock.JST).strftime("%H:%M") in page  # shown in Japan time


def test_a_guardians_look_at_the_childs_log_is_itself_audited(world):
    world.client_for(world.guardian).get(reverse("privacy:access_log"))
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor_uuid, entry.subject_uuid) == (
        "audit.read",
        world.guardian.uuid,
        world.learner.uuid,
    )


def test_the_access_log_filters_by_purpose_and_period(world):
    _teacher_reads_learner(world)
    client = world.client_for(world.learner)
    url = reverse("privacy:access_log")
    assert "田中 誠" in client.get(url, {"purpose": "instruction"}).content.decode()
    assert "田中 誠" not in client.get(url, {"purpose": "grading"}).content.decode()
    tomorrow = clock.today() + dt.timedelta(days=1)
    assert "田中 誠" not in client.get(url, {"since": tomorrow.isoformat()}).content.decode()
    assert "田中 誠" in client.get(url, {"until": clock.today().isoformat()}).content.decode()


def test_the_access_log_is_paginated(world):
    teacher = AuditActor(uuid=world.homeroom_teacher.uuid, role="homeroom_teacher")
    for _ in range(55):
        audit_record(
            actor=teacher, action="learner.read", purpose="grading", subject_uuid=world.learner.uuid
        )
    client = world.client_for(world.learner)
    first = client.get(reverse("privacy:access_log")).content.decode()
    assert "1 / 2" in first
    assert first.count("成績評価") >= 50
    second = client.get(reverse("privacy:access_log"), {"page": 2}).content.decode()
    assert "2 / 2" in second


def test_a_teacher_sees_accesses_to_their_own_data_and_nobody_elses(world):
    principal = AuditActor(uuid=world.principal.uuid, role="principal")
    audit_record(
        actor=principal,
        action="person.update",
        purpose="school_administration",
        subject_uuid=world.homeroom_teacher.uuid,
    )
    client = world.client_for(world.homeroom_teacher)
    page = client.get(reverse("privacy:access_log")).content.decode()
    assert "加藤 浩" in page
    for other in (world.learner, world.subject_teacher, world.guardian):
        response = client.get(reverse("privacy:access_log"), {"subject": str(other.uuid)})
        assert response.status_code == 404


def test_a_guardian_cannot_see_the_log_of_a_child_not_theirs(world):
    client = world.client_for(world.guardian)
    for other in (world.classmate, world.homeroom_teacher):
        response = client.get(reverse("privacy:access_log"), {"subject": str(other.uuid)})
        assert response.status_code == 404
    missing = client.get(reverse("privacy:access_log"), {"subject": str(uuid.uuid4())})
    assert missing.status_code == 404


def test_the_access_log_speaks_english_when_asked(world):
    _teacher_reads_learner(world)
    client = world.client_for(world.guardian)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("privacy:access_log")).content.decode()
    assert "homeroom teacher" in page
    assert "Instruction" in page


def test_the_notice_lists_each_duty_with_data_who_sees_and_how_long(client, db):
    response = client.get(reverse("privacy:notice"))
    assert response.status_code == 200
    page = response.content.decode()
    for info in PURPOSES.values():
        assert info.title_ja in page
        assert info.who_sees_ja in page
    assert "学校教育法施行規則 第28条第2項" in page  # retention basis of the record types


def test_the_consent_page_speaks_english_when_asked(world):
    client = world.client_for(world.guardian)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("privacy:consent")).content.decode()
    assert "Give consent" in page
    assert "Sharing with an external learning tool" in page
    assert "Consent for 山田 花子" in page
