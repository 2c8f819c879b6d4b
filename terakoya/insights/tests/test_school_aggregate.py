"""The school dashboard's aggregate: roster counts by grade × class, suppressed together."""

from __future__ import annotations

import pytest

from terakoya.insights import selectors
from terakoya.insights.suppression import school_entries, suppress
from terakoya.insights.tests.test_suppression import assert_protected
from terakoya.privacy.gate import Actor
from terakoya.privacy.models import AuditEntry
from terakoya.roster import services as roster
from terakoya.roster.access import access_admin_school
from terakoya.roster.models import ClassType, Role

pytestmark = pytest.mark.django_db

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねの"


def _fill(world, name: str, grade: str, n: int) -> list[str]:
    klass = roster.class_create(
        school=world.school,
        school_year=world.year,
        name=name,
        class_type=ClassType.HOMEROOM,
        grades=[grade],
    )
    uuids = []
    for i in range(n):
        person = roster.person_create(
            family_name="生徒",
            given_name=f"{name}{i}",
            family_name_kana="せいと",
            given_name_kana=KANA[i % len(KANA)],
        )
        roster.membership_create(
            person=person, role=Role.LEARNER, board=world.board, school=world.school, grade=grade
        )
        roster.enrolment_create(person=person, school_class=klass, shusseki_no=i + 1)
        uuids.append(str(person.uuid))
    return uuids


def test_the_school_table_hides_a_small_class_and_keeps_it_unrecoverable(world):
    # 3年1組 (the world's homeroom) has 2 learners; 3年2組 12; 4年1組 15 and 4年2組 14.
    c32 = _fill(world, "3年2組", "P3", 12)
    c41 = _fill(world, "4年1組", "P4", 15)
    c42 = _fill(world, "4年2組", "P4", 14)
    handed_in = dict.fromkeys(c32[:10] + c41[:11] + c42[:12], "提出")
    handed_in[str(world.learner.uuid)] = "提出"
    actor = Actor.for_person(world.school_admin)
    school = access_admin_school(actor)
    shown = selectors.school_aggregate(
        actor=actor, school=school, categories=["提出"], category_of=handed_in
    )
    p3 = shown.grades["P3"]
    small = p3.rows.index("3年1組")
    assert p3.row_totals[small] is None
    assert all(cell is None for cell in p3.cells[small])
    # Other figures still show where they are safe: the 4th grade's class sizes.
    assert shown.grades["P4"].row_totals == (15, 14)
    # Audit the whole publication as in test_suppression (rank test and LP intervals).
    from terakoya.insights.selectors import NO_RECORD
    from terakoya.insights.suppression import Table

    tables = {
        "P3": Table("grade:P3", ("3年1組", "3年2組"), ("提出", NO_RECORD), ((1, 1), (10, 2))),
        "P4": Table("grade:P4", ("4年1組", "4年2組"), ("提出", NO_RECORD), ((11, 4), (12, 2))),
    }
    values, constraints, _ = school_entries(f"school:{school.uuid}", tables)
    result = suppress(values, constraints)
    assert_protected(values, constraints, result)
    # The rendered tables are exactly that suppression.
    assert shown.grades["P3"].cells == tuple(
        tuple(result.shown(t) for t in row)
        for row in [[("grade:P3", "cell", r, c) for c in range(2)] for r in range(2)]
    )
    # Every learner read for the aggregate is in the audit log under its purpose.
    reads = AuditEntry.objects.filter(action="class.roster.read", purpose="aggregate_statistics")
    assert reads.count() == 2 + 12 + 15 + 14
