"""Subject access (a ZIP of everything held, from the registry) and erasure (what the law
allows; statutory records kept, saying which and until when)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from terakoya.core.clock import JST
from terakoya.privacy.audit import AuditActor
from terakoya.privacy.consent import consent_grant
from terakoya.privacy.models import AuditEntry, ConsentEvent
from terakoya.privacy.purposes import Purpose
from terakoya.privacy.subject_access import (
    INDEX_NAME,
    erasure_plan,
    subject_data_erase,
    subject_data_export,
)
from terakoya.roster.models import Enrolment, GuardianLink, Membership, Person

pytestmark = pytest.mark.django_db


def _guardian(world) -> AuditActor:
    return AuditActor(uuid=world.guardian.uuid, role="guardian")


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_the_export_holds_a_json_and_a_csv_per_record_type_and_a_japanese_index(world):
    consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.STUDY_LOG_TRANSFER,
    )
    content, index = subject_data_export(actor=_guardian(world), person=world.learner)
    archive = _zip(content)
    names = set(archive.namelist())
    assert {"index.json", INDEX_NAME} <= names
    for model in ("roster.person", "roster.enrolment", "privacy.consentevent"):
        assert f"data/{model}.json" in names
        assert f"data/{model}.csv" in names
    assert "data/auth.user.json" not in names  # sign-in secrets are not exported
    person = json.loads(archive.read("data/roster.person.json"))
    assert person == [person[0]]
    assert person[0]["family_name"] == "山田"
    assert person[0]["uuid"] == str(world.learner.uuid)
    assert "id" not in person[0]
    enrolments = json.loads(archive.read("data/roster.enrolment.json"))
    assert {e["school_class"] for e in enrolments} == {
        str(world.homeroom.uuid),
        str(world.subject_class.uuid),
    }  # foreign keys as public uuids
    rows = list(
        csv.DictReader(io.StringIO(archive.read("data/roster.person.csv").decode("utf-8-sig")))
    )
    assert rows[0]["given_name"] == "花子"
    index_json = json.loads(archive.read("index.json"))
    consent = next(t for t in index_json["記録の種類"] if t["記録"] == "同意の記録")
    assert consent["情報の種類"] == ["同意の記録"]
    assert "5" in consent["保存期間と根拠"]
    assert consent["件数"] == 1
    readme = archive.read(INDEX_NAME).decode("utf-8")
    assert "個人情報保護法 第76条" in readme
    assert "氏名・基本情報" in readme
    assert {t.model for t in index} >= {"roster.person", "privacy.consentevent"}


def test_the_export_holds_nothing_of_anyone_else(world):
    content, _ = subject_data_export(actor=_guardian(world), person=world.learner)
    archive = _zip(content)
    text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    for other in (world.classmate, world.other_learner):
        assert other.given_name not in text
        assert str(other.uuid) not in text


def test_the_export_is_audited_without_content(world):
    subject_data_export(actor=_guardian(world), person=world.learner)
    entry = AuditEntry.objects.get(action="subject_access.export")
    assert entry.subject_uuid == world.learner.uuid
    assert entry.actor_uuid == world.guardian.uuid
    assert entry.purpose == "subject_access"
    assert entry.count > 0


def test_a_guardian_and_the_learner_download_the_zip_and_nobody_else_can(world):
    url = reverse("privacy:data_download", args=[world.learner.uuid])
    for person in (world.guardian, world.learner):
        response = world.client_for(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert "data/roster.person.json" in _zip(response.content).namelist()
    for person in (world.homeroom_teacher, world.stranger, world.classmate, world.school_admin):
        assert world.client_for(person).get(url).status_code == 404
    missing = reverse("privacy:data_download", args=[uuid.uuid4()])
    assert world.client_for(world.guardian).get(missing).status_code == 404


def test_erasing_for_an_enrolled_learner_keeps_statutory_and_active_records_saying_why(world):
    plan = erasure_plan(person=world.learner)
    assert plan.erased == {}
    kept = {k.model: k for k in plan.kept}
    assert {"roster.person", "roster.enrolment", "roster.guardianlink"} <= set(kept)
    assert kept["roster.person"].until is None  # counted from leaving, not fixed yet
    assert "学校教育法施行規則 第28条第2項" in kept["roster.person"].basis
    assert "在籍中" in kept["roster.guardianlink"].until_text


def _retire(person: Person, on: dt.datetime) -> None:
    begin = dt.date(on.year - 1, 4, 1)
    Person.objects.filter(pk=person.pk).update(retired_at=on)
    Membership.objects.filter(person=person).update(begin_date=begin, end_date=on.date())
    Enrolment.objects.filter(person=person).update(begin_date=begin, end_date=on.date())
    GuardianLink.objects.filter(learner=person).update(begin_date=begin, end_date=on.date())


def test_erasure_removes_what_the_law_allows_and_keeps_statutory_records_until_their_end(world):
    event = consent_grant(
        learner=world.learner,
        given_by=world.guardian,
        given_by_role="guardian",
        purpose=Purpose.INDIVIDUAL_RESEARCH,
    )
    left = dt.datetime(2026, 3, 25, 12, 0, tzinfo=JST)  # 年度 2025
    _retire(world.learner, left)
    world.learner.refresh_from_db()
    user_id = world.learner.user_id
    receipt = subject_data_erase(actor=_guardian(world), person=world.learner)
    assert "保護者との関係" in receipt.erased
    assert not GuardianLink.objects.filter(learner=world.learner).exists()
    assert not get_user_model().objects.filter(pk=user_id).exists()
    # Statutory records under retention are never deleted by erasure.
    assert Person.objects.filter(pk=world.learner.pk).exists()
    assert Enrolment.objects.filter(person=world.learner).count() == 2
    assert ConsentEvent.objects.filter(pk=event.pk).exists()
    kept = {k.model: k for k in receipt.kept}
    assert kept["roster.person"].until == dt.date(2046, 4, 1)  # 20 years after 2026-03-31
    assert kept["roster.enrolment"].until == dt.date(2046, 4, 1)
    assert "2046年04月01日" in kept["roster.person"].until_text
    document = receipt.as_dict()
    assert any(k["種類"] == "privacy.consentevent" for k in document["保存を続ける記録"])
    audited = AuditEntry.objects.filter(action="erasure.execute")
    assert {e.target_type for e in audited} >= {"roster.guardianlink", "auth.user"}
    assert all(e.subject_uuid == world.learner.uuid for e in audited)


def test_the_erasure_page_shows_the_plan_and_returns_a_receipt(world):
    client = world.client_for(world.guardian)
    url = reverse("privacy:data_erase", args=[world.learner.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert "法定の保存期間中のため保存します" in page.content.decode()
    response = client.post(url, {"format": "json"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["対象者ID"] == str(world.learner.uuid)
    assert document["保存を続ける記録"]
    assert world.client_for(world.stranger).post(url).status_code == 404
