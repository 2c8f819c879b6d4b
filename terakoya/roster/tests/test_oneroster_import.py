"""OneRoster Japan Profile import: valid packages apply; re-import changes nothing."""

from __future__ import annotations

import io

import pytest

from terakoya.roster.models import Enrolment, GuardianLink, Membership, Person, SchoolClass
from terakoya.roster.oneroster import import_file
from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, zip_bytes


def _package(roster: SyntheticRoster) -> io.BytesIO:
    return io.BytesIO(zip_bytes(roster.files(), roster.manifest()))


@pytest.mark.django_db
def test_a_valid_bulk_package_creates_the_board_and_its_people():
    roster = SyntheticRoster(Shape(learners_per_class=3))
    outcome = import_file(_package(roster))
    assert outcome.report.version == "1.2"
    assert outcome.report.package_kind == "bulk"
    # 1 board admin + 1 site admin + 1 teacher + 3 learners + 3 guardians
    assert Person.objects.count() == 9
    assert SchoolClass.objects.count() == 2
    learner = Person.objects.get(sourced_id=roster.learner(0, "P3", 1, 1))
    assert learner.home_class is not None and learner.home_class.class_type == "homeroom"
    assert learner.birth_date is not None
    assert Enrolment.objects.get(
        person=learner, school_class__class_type="homeroom"
    ).shusseki_no == 1
    assert GuardianLink.objects.filter(learner=learner).count() == 1
    assert Membership.objects.filter(role="board_admin", school=None).count() == 1
    assert outcome.result.counts["person"]["create"] == 9
