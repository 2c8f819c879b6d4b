"""Registering, changing and retiring people in the web UI."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from terakoya.roster.models import Enrolment, GuardianLink, Membership, Person

pytestmark = pytest.mark.django_db


def _learner_form(world, **overrides):
    data = {
        "family_name": "森",
        "given_name": "葵",
        "family_name_kana": "もり",
        "given_name_kana": "あおい",
        "grade": "P3",
        "homeroom": str(world.homeroom.uuid),
        "shusseki_no": "3",
    }
    data.update(overrides)
    return data


def test_a_school_admin_registers_a_learner_with_a_homeroom_and_an_account(world):
    client = world.client_for(world.school_admin)
    response = client.post("/roster/people/new/learner/", _learner_form(world))
    assert response.status_code == 201
    person = Person.objects.get(family_name="森", given_name="葵")
    assert person.user is not None
    # The first credential is shown once: a picture sequence for an elementary learner.
    credential = re.search(r'data-testid="credential">([^<]+)<', response.text).group(1)
    assert credential.startswith("picture:")
    assert person.user.check_password(credential)
    assert Membership.objects.get(person=person).grade == "P3"
    enrolment = Enrolment.objects.get(person=person)
    assert enrolment.school_class == world.homeroom
    assert enrolment.shusseki_no == 3


def test_half_width_katakana_is_refused_in_japanese(world):
    client = world.client_for(world.school_admin)
    before = Person.objects.count()
    response = client.post(
        "/roster/people/new/learner/", _learner_form(world, family_name_kana="ﾓﾘ")
    )
    assert response.status_code == 200
    assert "半角カタカナは使えません" in response.text
    assert Person.objects.count() == before


def test_errors_are_in_english_when_english_is_chosen(world):
    client = world.client_for(world.school_admin)
    client.cookies["django_language"] = "en"
    response = client.post("/roster/people/new/learner/", _learner_form(world, family_name=""))
    assert response.status_code == 200
    assert "This field is required." in response.text


def test_a_my_number_in_a_form_field_is_refused_and_not_stored_or_echoed(world):
    client = world.client_for(world.school_admin)
    before = Person.objects.count()
    for value in ("621498320257", "6214-9832-0257", "１２３４ ５６７８ ９０１８"):
        response = client.post(
            "/roster/people/new/learner/", _learner_form(world, phone="", given_name=value)
        )
        assert response.status_code == 200
        assert "マイナンバー" in response.text
        assert value not in response.text
    assert Person.objects.count() == before
    assert not Person.objects.filter(given_name__contains="621498320257").exists()


def test_a_twelve_digit_number_with_a_wrong_check_digit_is_accepted(world):
    client = world.client_for(world.school_admin)
    response = client.post(
        "/roster/people/new/learner/", _learner_form(world, given_name="621498320258")
    )
    assert response.status_code == 201


def test_a_guardian_is_registered_linked_to_a_child(world):
    client = world.client_for(world.school_admin)
    response = client.post(
        "/roster/people/new/guardian/",
        {
            "family_name": "佐藤",
            "given_name": "恵",
            "family_name_kana": "さとう",
            "given_name_kana": "めぐみ",
            "children": [str(world.classmate.uuid)],
            "relationship": "母",
        },
    )
    assert response.status_code == 201
    guardian = Person.objects.get(given_name="恵")
    assert GuardianLink.objects.filter(guardian=guardian, learner=world.classmate).exists()


def test_a_guardian_without_a_child_is_refused(world):
    client = world.client_for(world.school_admin)
    response = client.post(
        "/roster/people/new/guardian/",
        {
            "family_name": "佐藤",
            "given_name": "恵",
            "family_name_kana": "さとう",
            "given_name_kana": "めぐみ",
        },
    )
    assert response.status_code == 200
    assert not Person.objects.filter(given_name="恵").exists()


def test_changing_a_name_keeps_the_learner_id(world):
    client = world.client_for(world.school_admin)
    original = world.learner.uuid
    response = client.post(
        f"/roster/people/{world.learner.uuid}/edit/",
        {
            "family_name": "山田",
            "given_name": "華子",
            "family_name_kana": "やまだ",
            "given_name_kana": "はなこ",
        },
    )
    assert response.status_code == 302
    world.learner.refresh_from_db()
    assert world.learner.given_name == "華子"
    assert world.learner.uuid == original


def test_retiring_ends_roles_and_sign_in_but_keeps_history(world):
    client = world.client_for(world.school_admin)
    response = client.post(f"/roster/people/{world.classmate.uuid}/retire/", {"confirm": "on"})
    assert response.status_code == 302
    world.classmate.refresh_from_db()
    assert world.classmate.retired_at is not None
    assert Membership.objects.filter(person=world.classmate).exists()
    assert not Membership.objects.filter(person=world.classmate, end_date__isnull=True).exists()
    assert not world.classmate.user.is_active
    # the history is still there for the admin
    assert client.get(f"/roster/people/{world.classmate.uuid}/").status_code == 200


def test_a_teacher_cannot_open_people_administration(world):
    client = world.client_for(world.homeroom_teacher)
    assert client.get("/roster/people/").status_code == 404
    assert client.get("/roster/people/new/learner/").status_code == 404


def test_a_registered_guardian_signs_in_with_the_password_shown_once(world):
    client = world.client_for(world.school_admin)
    response = client.post(
        "/roster/people/new/guardian/",
        {
            "family_name": "佐藤",
            "given_name": "恵",
            "family_name_kana": "さとう",
            "given_name_kana": "めぐみ",
            "children": [str(world.classmate.uuid)],
        },
    )
    username = re.search(r'data-testid="username">([^<]+)<', response.text).group(1)
    password = re.search(r'data-testid="credential"[^>]*>([^<]+)<', response.text).group(1)
    guardian = Client()
    signed_in = guardian.post("/accounts/signin/", {"username": username, "password": password})
    assert signed_in.status_code == 302
    assert "佐藤 恵さんのホーム" in guardian.get("/").text
    # Shown once: the person's page does not show it again.
    detail = client.get(f"/roster/people/{Person.objects.get(given_name='恵').uuid}/")
    assert password not in detail.text
