"""Roster endpoints: who may see a class and a learner, and the same 404 for everyone else."""

from __future__ import annotations

import pytest

from terakoya.testing import assert_same_not_found

pytestmark = pytest.mark.django_db

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    "url",
    [
        "/roster/classes/{cls}/",
        "/roster/api/classes/{cls}/",
        "/accounts/classes/{cls}/sign-in/",
    ],
)
def test_a_teacher_of_another_school_gets_the_same_404_as_for_a_missing_class(world, url):
    client = world.client_for(world.stranger)
    forbidden = client.get(url.format(cls=world.homeroom.uuid))
    missing = client.get(url.format(cls=MISSING))
    assert_same_not_found(forbidden, missing)


@pytest.mark.parametrize(
    "url",
    [
        "/roster/learners/{person}/",
        "/roster/people/{person}/",
        "/roster/people/{person}/edit/",
        "/roster/people/{person}/retire/",
    ],
)
def test_staff_of_another_school_get_the_same_404_as_for_a_missing_person(world, url):
    # The stranger is a teacher at the other school; give them admin rights there too.
    from terakoya.roster import services
    from terakoya.roster.models import Role

    services.membership_create(
        person=world.stranger, role=Role.SCHOOL_ADMIN, board=world.board, school=world.other_school
    )
    client = world.client_for(world.stranger)
    forbidden = client.get(url.format(person=world.learner.uuid))
    missing = client.get(url.format(person=MISSING))
    assert_same_not_found(forbidden, missing)


def test_the_homeroom_teacher_reads_the_class_roster_in_shusseki_order(world):
    response = world.client_for(world.homeroom_teacher).get(
        f"/roster/api/classes/{world.homeroom.uuid}/"
    )
    assert response.status_code == 200
    learners = response.json()["learners"]
    assert [x["shusseki_no"] for x in learners] == [1, 2]
    assert learners[0]["learner_id"] == str(world.learner.uuid)
    assert learners[0]["family_name"] == "山田"


def test_a_subject_teacher_sees_their_class_but_not_the_homeroom(world):
    client = world.client_for(world.subject_teacher)
    assert client.get(f"/roster/classes/{world.subject_class.uuid}/").status_code == 200
    assert client.get(f"/roster/classes/{world.homeroom.uuid}/").status_code == 404


def test_a_learner_and_a_guardian_cannot_open_class_rosters(world):
    for person in (world.learner, world.guardian):
        client = world.client_for(person)
        assert client.get(f"/roster/classes/{world.homeroom.uuid}/").status_code == 404


def test_a_guardian_sees_their_own_child_only(world):
    client = world.client_for(world.guardian)
    assert client.get(f"/roster/learners/{world.learner.uuid}/").status_code == 200
    assert_same_not_found(
        client.get(f"/roster/learners/{world.classmate.uuid}/"),
        client.get(f"/roster/learners/{MISSING}/"),
    )


def test_signed_out_visitors_are_sent_to_sign_in(world):
    from django.test import Client

    response = Client().get(f"/roster/classes/{world.homeroom.uuid}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/signin/")


def test_a_teacher_makes_a_group_of_learners_in_their_class(world):
    client = world.client_for(world.homeroom_teacher)
    response = client.post(
        f"/roster/classes/{world.homeroom.uuid}/groups/new/",
        {"name": "1班", "members": [str(world.learner.uuid)]},
    )
    assert response.status_code == 302
    group = world.homeroom.groups.get(name="1班")
    assert list(group.members.all()) == [world.learner]
    page = client.get(f"/roster/classes/{world.homeroom.uuid}/")
    assert "1班" in page.text


def test_a_learner_of_another_class_cannot_be_put_in_a_group(world):
    client = world.client_for(world.homeroom_teacher)
    response = client.post(
        f"/roster/classes/{world.homeroom.uuid}/groups/new/",
        {"name": "1班", "members": [str(world.other_learner.uuid)]},
    )
    assert response.status_code == 200  # the unknown choice is refused by the form
    assert not world.homeroom.groups.exists()


def test_a_stranger_cannot_reach_a_group(world):
    from terakoya.privacy.audit import SYSTEM
    from terakoya.roster import services

    group = services.group_save(
        school_class=world.homeroom, name="1班", members=[world.learner], actor=SYSTEM
    )
    client = world.client_for(world.stranger)
    assert_same_not_found(
        client.get(f"/roster/classes/{world.homeroom.uuid}/groups/{group.uuid}/"),
        client.get(f"/roster/classes/{world.homeroom.uuid}/groups/{MISSING}/"),
    )


def test_the_sign_in_set_up_link_is_shown_only_to_those_its_page_lets_in(world):
    url = f"/roster/classes/{world.homeroom.uuid}/"
    set_up = f"/accounts/classes/{world.homeroom.uuid}/sign-in/"
    teacher_page = world.client_for(world.homeroom_teacher).get(url).content.decode()
    nurse = world.client_for(world.nurse)
    nurse_page = nurse.get(url).content.decode()
    assert set_up in teacher_page
    assert set_up not in nurse_page
    assert nurse.get(set_up).status_code == 404  # the link would have led nowhere


def test_a_page_below_the_menu_has_a_way_back(world):
    page = world.client_for(world.homeroom_teacher).get(f"/roster/classes/{world.homeroom.uuid}/")
    assert 'class="back" href="/roster/classes/"' in page.content.decode()
