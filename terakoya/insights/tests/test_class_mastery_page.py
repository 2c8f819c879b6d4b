"""The teacher's mastery page for a class: every learner, in roster order, with evidence."""

from __future__ import annotations

import pytest

from terakoya.insights import services
from terakoya.insights.tests.test_assessment_source import CODE, answered  # noqa: F401
from terakoya.privacy.audit import SYSTEM
from terakoya.privacy.models import AuditEntry
from terakoya.testing import assert_same_not_found

pytestmark = pytest.mark.django_db

MISSING = "00000000-0000-4000-8000-000000000000"


def test_the_homeroom_teacher_sees_each_learners_mastery_with_its_evidence(world, answered):  # noqa: F811
    services.skill_fit_for_board(actor=SYSTEM, board=world.board, replicates=4, seed=1)
    client = world.client_for(world.homeroom_teacher)
    assert client.get("/insights/classes/").status_code == 200
    response = client.get(f"/insights/classes/{world.homeroom.uuid}/mastery/")
    assert response.status_code == 200
    page = response.content.decode()
    assert CODE in page
    # Roster order (出席番号 1, 2), whatever the figures.
    assert page.index(world.learner.full_name) < page.index(world.classmate.full_name)
    assert page.count("<details>") == 2  # each learner's answers, one by one
    assert page.count('role="img"') == 2
    reads = AuditEntry.objects.filter(action="insights.mastery.read")
    assert {r.subject_uuid for r in reads} == {world.learner.uuid, world.classmate.uuid}


def test_a_code_without_parameters_says_so(world, answered):  # noqa: F811
    page = world.client_for(world.homeroom_teacher).get(
        f"/insights/classes/{world.homeroom.uuid}/mastery/"
    )
    assert "まだ推定されていません" in page.content.decode()


def test_a_teacher_of_another_school_gets_the_same_404_as_for_a_missing_class(world):
    client = world.client_for(world.stranger)
    forbidden = client.get(f"/insights/classes/{world.homeroom.uuid}/mastery/")
    missing = client.get(f"/insights/classes/{MISSING}/mastery/")
    assert_same_not_found(forbidden, missing)


def test_learners_and_guardians_cannot_open_the_class_mastery_page(world):
    for person in (world.learner, world.guardian):
        response = world.client_for(person).get(f"/insights/classes/{world.homeroom.uuid}/mastery/")
        assert response.status_code == 404
