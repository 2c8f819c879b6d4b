"""Refusing or withdrawing consent changes nothing a learner gets from core features.

Two learners of the same class, one consenting to every optional purpose and one refusing
(having granted and withdrawn), request every core page a learner has — the home page and
every learner page in the menu, so pages added later are covered too — and get the same
status and the same content once names and ids are masked. The consent page and the access
log are left out: they show the learner's own decisions and log by design.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from terakoya.privacy.consent import consent_grant, consent_withdraw
from terakoya.privacy.purposes import OPTIONAL_PURPOSES
from terakoya.roster.models import Person
from terakoya.web.nav import items_for

pytestmark = pytest.mark.django_db

NOT_CORE = {"privacy:consent", "privacy:access_log"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
CLOCK = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def _core_urls() -> list[str]:
    urls = [reverse("web:home")]
    urls += [url for item, url in items_for({"learner"}) if item.url_name not in NOT_CORE]
    return urls


def _mask(text: str, person: Person, shusseki: str) -> str:
    for value in (
        person.family_name,
        person.given_name,
        person.family_name_kana,
        person.given_name_kana,
    ):
        if value:
            text = text.replace(value, "NAME")
    text = UUID.sub("UUID", text)
    text = TOKEN.sub("TOKEN", text)
    text = CLOCK.sub("HH:MM", text)
    return text.replace(f"出席番号 {shusseki}", "出席番号 N")


def _decide(world) -> None:
    """The learner consents to everything; the classmate granted and then withdrew it all."""
    for learner in (world.learner, world.classmate):
        for purpose in OPTIONAL_PURPOSES:
            consent_grant(
                learner=learner, given_by=world.guardian, given_by_role="guardian", purpose=purpose
            )
    for purpose in OPTIONAL_PURPOSES:
        consent_withdraw(
            learner=world.classmate,
            given_by=world.guardian,
            given_by_role="guardian",
            purpose=purpose,
        )


def test_core_pages_answer_a_refusing_learner_exactly_as_a_consenting_one(world):
    _decide(world)
    consenting = world.client_for(world.learner)
    refusing = world.client_for(world.classmate)
    urls = _core_urls()
    assert urls  # at least the home page
    for url in urls:
        a = consenting.get(url)
        b = refusing.get(url)
        assert a.status_code == b.status_code, url
        assert a.get("Content-Type") == b.get("Content-Type"), url
        if a.status_code == 200 and "html" in a.get("Content-Type", ""):
            assert _mask(a.content.decode(), world.learner, "1") == _mask(
                b.content.decode(), world.classmate, "2"
            ), url


def test_refusing_leaves_every_duty_purpose_open_at_the_gate(world):
    from terakoya.privacy.categories import DataCategory as C
    from terakoya.privacy.gate import Actor, permitted_relation
    from terakoya.privacy.purposes import Purpose

    _decide(world)
    teacher = Actor.for_person(world.homeroom_teacher)
    for purpose, category in [
        (Purpose.INSTRUCTION, C.STUDY_LOG),
        (Purpose.GRADING, C.GRADE),
        (Purpose.ATTENDANCE, C.ATTENDANCE),
        (Purpose.GUARDIAN_COMMUNICATION, C.COMMUNICATION),
    ]:
        refusing = permitted_relation(teacher, world.classmate, category=category, purpose=purpose)
        consenting = permitted_relation(teacher, world.learner, category=category, purpose=purpose)
        assert refusing == consenting
        assert refusing is not None
