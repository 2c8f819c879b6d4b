"""The roster's JSON API: the same write path as the form, precise bilingual errors."""

from __future__ import annotations

import json

import pytest

from terakoya.privacy.models import AuditEntry
from terakoya.roster.models import Membership, Person

pytestmark = pytest.mark.django_db

URL = "/roster/api/people/"


def _post(client, body):
    return client.post(
        URL, data=json.dumps(body, ensure_ascii=False), content_type="application/json"
    )


def _learner(world, **overrides):
    body = {
        "role": "learner",
        "family_name": "森",
        "given_name": "葵",
        "family_name_kana": "もり",
        "given_name_kana": "あおい",
        "grade": "P3",
        "homeroom": str(world.homeroom.uuid),
        "shusseki_no": 3,
    }
    body.update(overrides)
    return body


def test_a_school_admin_registers_a_learner_by_json(world):
    response = _post(world.client_for(world.school_admin), _learner(world))
    assert response.status_code == 201
    data = response.json()
    person = Person.objects.get(uuid=data["uuid"])
    assert person.user.check_password(data["initial_credential"])
    assert Membership.objects.get(person=person).grade == "P3"
    assert AuditEntry.objects.filter(action="person.create", subject_uuid=person.uuid).exists()


@pytest.mark.parametrize("value", ["621498320257", "123456789018", "６２１４-９８３２-０２５７"])
def test_a_my_number_in_a_json_body_is_refused_and_nothing_is_stored(world, value):
    before = Person.objects.count()
    response = _post(world.client_for(world.school_admin), _learner(world, phone=value))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "my_number"
    assert "マイナンバー" in error["message"]
    assert "My Number" in error["message_en"]
    assert error["location"] == "$.phone"
    assert value not in response.content.decode()
    assert Person.objects.count() == before


def test_a_prohibited_field_is_refused(world):
    response = _post(world.client_for(world.school_admin), _learner(world, mood="happy"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "prohibited_category"


def test_every_schema_problem_is_located_in_japanese_and_english(world):
    body = _learner(world, family_name_kana="ﾓﾘ", shusseki_no=0, grade="X9")
    del body["given_name"]
    response = _post(world.client_for(world.school_admin), body)
    assert response.status_code == 400
    errors = {e["location"]: e for e in response.json()["errors"]}
    assert set(errors) == {"given_name", "family_name_kana", "shusseki_no", "grade"}
    assert errors["given_name"]["message"] == "必須の項目です。"
    assert errors["shusseki_no"]["message"] == "1 以上で指定してください。"
    assert errors["given_name"]["message_en"] == "Field required"


def test_broken_json_is_a_400_not_a_500(world):
    response = world.client_for(world.school_admin).post(
        URL, data=b"{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "json_invalid"


def test_a_homeroom_of_another_school_is_refused(world):
    response = _post(
        world.client_for(world.school_admin), _learner(world, homeroom=str(world.other_class.uuid))
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == "homeroom"


def test_teachers_and_strangers_cannot_use_the_api(world):
    for person in (world.homeroom_teacher, world.guardian):
        assert _post(world.client_for(person), _learner(world)).status_code == 404
